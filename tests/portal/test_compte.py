"""Mon compte: contact changes applied at once or sent to the mairie as the commune's policy
says, notification choices per kind, the password change link."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from marelle.audit.models import LogEntry
from marelle.families.contact_changes import contact_change_decide, contact_change_submit, contact_policy_set
from marelle.families.models import ContactChangeRequest
from marelle.messaging.models import NotificationPreference
from marelle.messaging.preferences import notification_choices
from tests import factories as f
from tests.factories import PASSWORD

COMPTE = reverse("portal:compte")


@pytest.fixture
def addressed(world):
    famille = world.famille
    famille.address, famille.postal_code, famille.city = "1 place de la Mairie", "38160", "Chatte"
    famille.save()
    return world


def contact(world, **values):
    data = {
        "form": "contact",
        "email": world.alice.email,
        "phone": world.alice.phone,
        "address": world.famille.address,
        "postal_code": world.famille.postal_code,
        "city": world.famille.city,
    }
    data.update(values)
    return data


def test_the_page_shows_family_responsables_and_the_forms(alice_client, addressed):
    html = alice_client.get(COMPTE).content.decode()
    assert "381623867924" in html and "1 place de la Mairie" in html
    assert 'name="postal_code"' in html and 'value="notifications"' in html
    assert reverse("portal:password_change") in html
    # The default policy: the address is checked by the mairie, and the parent is told so.
    assert "vérifié par la mairie" in html


def test_with_the_default_policy_phone_applies_and_the_address_waits(alice_client, addressed):
    response = alice_client.post(COMPTE, contact(addressed, phone="06 99 88 77 66", address="3 rue Neuve"))
    assert response.status_code == 302
    addressed.alice.refresh_from_db()
    addressed.famille.refresh_from_db()
    assert addressed.alice.phone == "06 99 88 77 66"
    assert addressed.famille.address == "1 place de la Mairie"
    change = ContactChangeRequest.objects.get()
    assert change.field == "address" and change.status == "pending"
    assert change.new_value == {"address": "3 rue Neuve", "postal_code": "38160", "city": "Chatte"}
    assert change.old_value["address"] == "1 place de la Mairie"
    assert LogEntry.objects.filter(action="responsable.updated", object_id=str(addressed.alice.pk)).exists()
    assert LogEntry.objects.filter(action="contact_change.requested").exists()
    html = alice_client.get(COMPTE).content.decode()
    assert "3 rue Neuve" in html and "en attente de la mairie" in html


def test_a_commune_can_ask_for_every_change_or_apply_the_address_at_once(alice_client, addressed):
    contact_policy_set(commune=addressed.commune, contact_field="email", mode="request", actor=None)
    contact_policy_set(commune=addressed.commune, contact_field="address", mode="apply", actor=None)
    alice_client.post(COMPTE, contact(addressed, email="alice.new@example.org", city="Saint-Marcellin"))
    addressed.alice.refresh_from_db()
    addressed.famille.refresh_from_db()
    assert addressed.alice.email == "alice@example.org"
    assert addressed.famille.city == "Saint-Marcellin"
    assert list(ContactChangeRequest.objects.values_list("field", "new_value")) == [
        ("email", {"email": "alice.new@example.org"})
    ]


def test_policies_are_per_commune(world):
    contact_policy_set(commune=world.other_commune, contact_field="phone", mode="request", actor=None)
    contact_change_submit(
        responsable=world.alice, values={"phone": "01 02 03 04 05"}, actor=world.alice.user, now=timezone.now()
    )
    world.alice.refresh_from_db()
    assert world.alice.phone == "01 02 03 04 05"
    assert not ContactChangeRequest.objects.exists()


def test_sending_the_same_demande_twice_makes_one_and_a_new_one_replaces_it(addressed):
    for address in ["3 rue Neuve", "3 rue Neuve", "5 rue Haute"]:
        contact_change_submit(
            responsable=addressed.alice, values={"address": address}, actor=addressed.alice.user, now=timezone.now()
        )
    assert list(ContactChangeRequest.objects.order_by("id").values_list("new_value__address", "status")) == [
        ("3 rue Neuve", "replaced"),
        ("5 rue Haute", "pending"),
    ]


def test_an_email_taken_by_another_account_is_refused_whatever_the_policy(alice_client, world):
    contact_policy_set(commune=world.commune, contact_field="email", mode="request", actor=None)
    response = alice_client.post(COMPTE, contact(world, email="bob@example.org"))
    assert response.status_code == 400 and "déjà utilisée" in response.content.decode()
    assert not ContactChangeRequest.objects.exists()


def test_an_invalid_email_is_a_400_and_nothing_is_saved(alice_client, world):
    response = alice_client.post(COMPTE, contact(world, email="pas-une-adresse", phone="07 00 00 00 00"))
    assert response.status_code == 400
    world.alice.refresh_from_db()
    assert world.alice.phone != "07 00 00 00 00"


def test_an_accepted_email_change_becomes_the_login(world):
    contact_policy_set(commune=world.commune, contact_field="email", mode="request", actor=None)
    contact_change_submit(
        responsable=world.alice, values={"email": "alice.new@example.org"}, actor=world.alice.user, now=timezone.now()
    )
    change = ContactChangeRequest.objects.get()
    decided = contact_change_decide(change=change, accept=True, actor=world.agent.user, now=timezone.now())
    assert decided.status == "accepted" and decided.decided_by == world.agent.user
    world.alice.refresh_from_db()
    world.alice.user.refresh_from_db()
    assert world.alice.email == world.alice.user.email == "alice.new@example.org"
    entry = LogEntry.objects.get(action="responsable.updated", object_id=str(world.alice.pk))
    assert entry.actor == world.agent.user
    assert entry.data["changes"]["email"] == ["alice@example.org", "alice.new@example.org"]
    # A second decision changes nothing.
    again = contact_change_decide(
        change=change, accept=False, comment="non", actor=world.agent.user, now=timezone.now()
    )
    assert again.status == "accepted"


def test_a_refusal_needs_a_reason_and_applies_nothing(addressed):
    contact_change_submit(
        responsable=addressed.alice, values={"address": "3 rue Neuve"}, actor=addressed.alice.user, now=timezone.now()
    )
    change = ContactChangeRequest.objects.get()
    with pytest.raises(ValidationError):
        contact_change_decide(change=change, accept=False, comment=" ", actor=addressed.agent.user, now=timezone.now())
    contact_change_decide(
        change=change,
        accept=False,
        comment="Justificatif de domicile manquant",
        actor=addressed.agent.user,
        now=timezone.now(),
    )
    addressed.famille.refresh_from_db()
    assert addressed.famille.address == "1 place de la Mairie"
    assert ContactChangeRequest.objects.get().status == "refused"


def test_notification_choices_are_saved_per_kind(alice_client, world):
    choices = notification_choices(world.alice)
    assert set(choices.values()) == {True}
    data = {"form": "notifications", **{kind: "email" for kind in choices}}
    data["facture"] = "inbox"
    data["message"] = "inbox"
    response = alice_client.post(COMPTE, data)
    assert response.status_code == 302
    assert set(
        NotificationPreference.objects.filter(responsable=world.alice, by_email=False).values_list("kind", flat=True)
    ) == {"facture", "message"}
    world.alice.refresh_from_db()
    assert world.alice.notify_by_email is True
    assert notification_choices(world.alice)["facture"] is False
    form = alice_client.get(COMPTE).context["notifications_form"]
    assert form["facture"].value() == "inbox" and form["demande"].value() == "email"
    assert LogEntry.objects.filter(action="notifications.choices_updated", object_id=str(world.alice.pk)).exists()


def test_inbox_only_for_every_kind_turns_the_email_switch_off(alice_client, world):
    data = {"form": "notifications", **{kind: "inbox" for kind in notification_choices(world.alice)}}
    assert alice_client.post(COMPTE, data).status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.notify_by_email is False


def test_an_unknown_choice_is_a_400(alice_client, world):
    data = {"form": "notifications", **{kind: "email" for kind in notification_choices(world.alice)}}
    data["facture"] = "pigeon"
    assert alice_client.post(COMPTE, data).status_code == 400
    assert not NotificationPreference.objects.exists()


def test_the_password_change_link_works(alice_client, world):
    html = alice_client.get(reverse("portal:password_change")).content.decode()
    assert "Changer mot de passe" in html and "aria-current" not in html.split("side-links")[0][-10:]
    response = alice_client.post(
        reverse("portal:password_change"),
        {"old_password": PASSWORD, "new_password1": "Une-marelle-2027!", "new_password2": "Une-marelle-2027!"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:password_change_done")
    world.alice.user.refresh_from_db()
    assert world.alice.user.check_password("Une-marelle-2027!")


def test_another_familys_responsable_is_never_touched(alice_client, world):
    bob_phone = world.bob.phone
    alice_client.post(COMPTE, contact(world, phone="06 00 00 00 01"))
    world.bob.refresh_from_db()
    assert world.bob.phone == bob_phone
    assert f.ResponsableFactory._meta.model.objects.get(pk=world.alice.pk).phone == "06 00 00 00 01"
