import pytest
from django.core.exceptions import ValidationError

from marelle.audit.models import LogEntry
from marelle.families.services import responsable_update_contact


def test_contact_change_updates_the_login_email_and_is_audited(world):
    responsable_update_contact(
        responsable=world.alice, actor=world.alice.user, email="new@example.org", phone="0600", notify_by_email=False
    )
    world.alice.refresh_from_db()
    world.alice.user.refresh_from_db()
    assert (world.alice.email, world.alice.phone, world.alice.notify_by_email) == ("new@example.org", "0600", False)
    assert world.alice.user.email == "new@example.org"
    entry = LogEntry.objects.get(action="responsable.contact_updated")
    assert entry.actor == world.alice.user
    assert entry.data["email"] == ["alice@example.org", "new@example.org"]


def test_an_email_used_by_another_account_is_refused(world):
    with pytest.raises(ValidationError):
        responsable_update_contact(
            responsable=world.alice, actor=world.alice.user, email="BOB@example.org", phone="", notify_by_email=True
        )
    world.alice.refresh_from_db()
    assert world.alice.email == "alice@example.org"
    assert not LogEntry.objects.exists()
