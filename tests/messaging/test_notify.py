from __future__ import annotations

import pytest
from django.core import mail

from marelle.messaging.models import Message, NotificationPreference, OutboxEmail
from marelle.messaging.services import deliver, notify, outbox_retry, preference_set
from tests import factories as f


def test_a_notice_lands_in_the_inbox_and_goes_by_email(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(famille=world.famille, kind="demande", subject="Demande acceptée", body="Bonne journée")
    assert message.system and message.from_commune and message.famille == world.famille
    assert [m.to for m in mail.outbox] == [[world.alice.email]]
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT


def test_inbox_only_choice_writes_no_email(world, django_capture_on_commit_callbacks):
    preference_set(responsable=world.alice, kind="fermeture", by_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(famille=world.famille, kind="fermeture", subject="Fermeture", body="Grève")
        notify(famille=world.famille, kind="demande", subject="Acceptée", body="…")
    assert Message.objects.filter(famille=world.famille).count() == 2
    assert [m.subject for m in mail.outbox] == ["Acceptée"]


def test_master_switch_off_means_no_email_at_all(world, django_capture_on_commit_callbacks):
    world.alice.notify_by_email = False
    world.alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(famille=world.famille, kind="demande", subject="Acceptée", body="…")
    assert mail.outbox == [] and not OutboxEmail.objects.exists()


def test_a_notice_to_one_responsable_reaches_only_them(world, django_capture_on_commit_callbacks):
    other = f.ResponsableFactory(famille=world.famille, prenom="Julien")
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(responsable=other, kind="facture", subject="Facture", body="12,00 €")
    assert message.responsable == other
    assert [m.to for m in mail.outbox] == [[other.email]]


def test_nothing_is_sent_before_commit_nor_if_the_change_rolls_back(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(famille=world.famille, kind="demande", subject="Acceptée", body="…")
    assert mail.outbox == [] and len(callbacks) == 1


def test_delivering_the_same_row_twice_sends_it_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notify(famille=world.famille, kind="demande", subject="Acceptée", body="…")
    row = OutboxEmail.objects.get()
    first, second = deliver(ids=[row.pk]), deliver(ids=[row.pk])
    assert first.sent == [row.pk] and second.skipped == [row.pk]
    assert len(mail.outbox) == 1


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValueError):
        notify(famille=world.famille, kind="nope", subject="x", body="x")


def test_an_agent_retries_a_failed_email(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notify(famille=world.famille, kind="demande", subject="Acceptée", body="…")
    OutboxEmail.objects.update(status=OutboxEmail.Status.FAILED, attempts=9, last_error="SMTP down")
    row = OutboxEmail.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_retry(outbox=row, actor=world.agent.user) is True
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT and len(mail.outbox) == 1
    assert outbox_retry(outbox=row, actor=world.agent.user) is False
    assert NotificationPreference.objects.count() == 0
