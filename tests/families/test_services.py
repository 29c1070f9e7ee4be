"""The family services: one responsable_update for both faces, the QF and SEPA rules
checked whoever calls, and one audit shape {"changes": {field: [before, after]}}."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from marelle.audit.models import LogEntry
from marelle.families import services
from marelle.families.models import Famille

IBAN_OK = "FR7630006000011234567890189"
TODAY = dt.date(2026, 12, 7)


def test_a_parents_contact_change_updates_the_login_email_and_is_audited(world):
    services.responsable_update(
        actor=world.alice.user,
        responsable=world.alice,
        values={"email": " new@example.org ", "phone": "0600", "notify_by_email": False},
        update_login=True,
    )
    world.alice.refresh_from_db()
    world.alice.user.refresh_from_db()
    assert (world.alice.email, world.alice.phone, world.alice.notify_by_email) == ("new@example.org", "0600", False)
    assert world.alice.user.email == "new@example.org"
    entry = LogEntry.objects.get(action="responsable.updated")
    assert entry.actor == world.alice.user
    assert entry.data["changes"]["email"] == ["alice@example.org", "new@example.org"]
    assert entry.data["changes"]["phone"] == [None, "0600"]
    assert entry.data["changes"]["notify_by_email"] == [True, False]


def test_an_email_used_by_another_account_is_refused_to_a_parent(world):
    with pytest.raises(ValidationError) as exc:
        services.responsable_update(
            actor=world.alice.user,
            responsable=world.alice,
            values={"email": "BOB@example.org", "phone": "", "notify_by_email": True},
            update_login=True,
        )
    assert set(exc.value.message_dict) == {"email"}
    world.alice.refresh_from_db()
    assert world.alice.email == "alice@example.org"
    assert not LogEntry.objects.exists()


def test_an_agents_edit_changes_the_contact_address_not_the_login(world):
    services.responsable_update(
        actor=world.agent.user, responsable=world.alice, values={"email": "contact@example.org"}
    )
    world.alice.refresh_from_db()
    world.alice.user.refresh_from_db()
    assert world.alice.email == "contact@example.org"
    assert world.alice.user.email == "alice@example.org"
    entry = LogEntry.objects.get(action="responsable.updated")
    assert entry.data == {
        "name": "ZTEST PAYS",
        "changes": {"email": ["alice@example.org", "contact@example.org"]},
    }


def test_nothing_changed_writes_nothing(world):
    assert services.responsable_update(actor=world.agent.user, responsable=world.alice, values={"nom": "ZTEST"}) == []
    assert not LogEntry.objects.exists()


def test_a_field_that_is_not_editable_is_refused(world):
    with pytest.raises(ValueError):
        services.famille_update(actor=world.agent.user, famille=world.famille, values={"numero": "1"})


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"quotient_familial": 640}, "qf_valid_from"),
        (
            {"quotient_familial": 640, "qf_valid_from": dt.date(2026, 9, 1), "qf_valid_until": dt.date(2026, 8, 1)},
            "qf_valid_until",
        ),
        ({"direct_debit": True, "iban": IBAN_OK, "mandate_reference": "RUM-1"}, "mandate_signed_on"),
        ({"direct_debit": True, "mandate_reference": "RUM-1", "mandate_signed_on": TODAY}, "iban"),
        ({"direct_debit": True, "iban": IBAN_OK, "mandate_signed_on": TODAY}, "mandate_reference"),
        ({"iban": "FR7630006000011234567890188"}, "iban"),
        ({"bic": "NOTABIC!"}, "bic"),
        ({"mandate_signed_on": TODAY + dt.timedelta(days=1)}, "mandate_signed_on"),
    ],
)
def test_the_qf_and_mandate_rules_hold_whoever_calls(world, values, field):
    with pytest.raises(ValidationError) as exc:
        services.famille_update(actor=world.agent.user, famille=world.famille, values=values, today=TODAY)
    assert field in exc.value.message_dict
    fresh = Famille.objects.get(pk=world.famille.pk)
    assert (fresh.quotient_familial, fresh.direct_debit, fresh.iban) == (None, False, "")
    assert not LogEntry.objects.exists()


def test_a_mandate_is_saved_with_the_bic_found_from_the_iban_and_the_iban_masked_in_the_trail(world):
    changes = services.famille_update(
        actor=world.agent.user,
        famille=world.famille,
        values={
            "direct_debit": True,
            "iban": "FR76 3000 6000 0112 3456 7890 189",
            "bic": "",
            "mandate_reference": "RUM-1",
            "mandate_signed_on": TODAY,
        },
        today=TODAY,
    )
    fresh = Famille.objects.get(pk=world.famille.pk)
    assert fresh.iban == IBAN_OK and fresh.bic
    assert {c.field for c in changes} == {"direct_debit", "iban", "bic", "mandate_reference", "mandate_signed_on"}
    entry = LogEntry.objects.get(action="famille.updated")
    assert entry.data["changes"]["iban"] == [None, "FR76 •••• 0189"]
    assert entry.data["changes"]["mandate_signed_on"] == [None, "2026-12-07"]
    assert entry.data["changes"]["direct_debit"] == [False, True]


def test_a_phone_change_does_not_rejudge_the_mandate(world):
    Famille.objects.filter(pk=world.famille.pk).update(direct_debit=True)  # an old, incomplete mandate
    world.famille.refresh_from_db()
    services.famille_update(actor=world.agent.user, famille=world.famille, values={"phone": "0102"})
    assert Famille.objects.get(pk=world.famille.pk).phone == "0102"


def test_a_stale_version_is_refused(world):
    version = services.version_of(world.famille, services.FAMILLE_FIELDS)
    services.famille_update(actor=world.agent.user, famille=world.famille, values={"phone": "01"})
    with pytest.raises(services.StaleEdit):
        services.famille_update(actor=world.agent.user, famille=world.famille, values={"phone": "02"}, version=version)
    assert Famille.objects.get(pk=world.famille.pk).phone == "01"


def test_a_child_change_names_the_related_school_in_the_trail(world):
    other = world.enfant.etablissement.__class__.objects.create(commune=world.commune, name="École du Haut")
    services.enfant_update(actor=world.agent.user, enfant=world.enfant, values={"etablissement": other})
    entry = LogEntry.objects.get(action="enfant.updated")
    assert entry.data["changes"] == {"etablissement": ["École de Chatte", "École du Haut"]}
    assert entry.data["name"] == "COMMUNE ZTEST"
