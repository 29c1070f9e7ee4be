"""Editing a family, a responsable and a child: validation, changed fields only, and an
audit line with before/after values shown in the family's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from marelle.audit.labels import render_entry
from marelle.audit.models import LogEntry
from marelle.families import services as family_services
from marelle.families.models import Enfant, Famille, Responsable
from marelle.planning.models import CellState
from tests import factories as f
from tests.backoffice.conftest import DAY

IBAN_OK = "FR76 3000 6000 0112 3456 7890 189"
IBAN_BAD = "FR76 3000 6000 0112 3456 7890 188"


def famille_post(famille: Famille, **overrides) -> dict:
    data = {
        "address": famille.address,
        "postal_code": famille.postal_code,
        "city": famille.city,
        "phone": famille.phone,
        "email": famille.email,
        "quotient_familial": "" if famille.quotient_familial is None else famille.quotient_familial,
        "qf_valid_from": famille.qf_valid_from or "",
        "qf_valid_until": famille.qf_valid_until or "",
        "iban": famille.iban,
        "bic": famille.bic,
        "mandate_reference": famille.mandate_reference,
        "mandate_signed_on": famille.mandate_signed_on or "",
    }
    if famille.direct_debit:
        data["direct_debit"] = "on"
    if famille.shared_access:  # a ticked box, as the browser posts it
        data["shared_access"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def logs_of(obj) -> list[LogEntry]:
    return list(LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)))


def shown(entry: LogEntry) -> dict[str, tuple[str, str]]:
    """The entry's changes as the history shows them (French), by verbose name."""
    with translation.override("fr"):
        return {c.label: (c.before, c.after) for c in render_entry(entry).changes}


class TestFamille:
    def test_saves_address_qf_and_mandate_and_logs_only_the_changed_fields(self, agent_client, world):
        famille = world.famille
        famille.address, famille.city = "1 rue Haute", "Chatte"
        famille.save()
        url = reverse("backoffice:famille_edit", args=[famille.pk])
        assert agent_client.get(url).status_code == 200
        response = agent_client.post(
            url,
            famille_post(
                famille,
                address="2 rue Basse",
                quotient_familial="640",
                qf_valid_from="2026-09-01",
                qf_valid_until="2027-08-31",
                direct_debit="on",
                iban=IBAN_OK,
                bic="",
                mandate_reference="MARELLE-000123",
                mandate_signed_on="2026-09-15",
            ),
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("backoffice:famille", args=[famille.pk])
        famille.refresh_from_db()
        assert famille.address == "2 rue Basse"
        assert famille.city == "Chatte"
        assert famille.quotient_familial == 640
        assert famille.qf_valid_until == dt.date(2027, 8, 31)
        assert famille.iban == "FR7630006000011234567890189"  # stored compact
        assert famille.bic == "AGRIFRPPXXX"  # deduced from the IBAN
        assert famille.direct_debit is True

        [entry] = logs_of(famille)
        assert entry.actor == world.agent.user
        assert entry.action == "famille.updated"
        changes = entry.data["changes"]
        assert set(changes) == {
            "address",
            "quotient_familial",
            "qf_valid_from",
            "qf_valid_until",
            "direct_debit",
            "iban",
            "bic",
            "mandate_reference",
            "mandate_signed_on",
        }
        assert changes["address"] == ["1 rue Haute", "2 rue Basse"]
        assert changes["direct_debit"] == [False, True]
        assert changes["qf_valid_from"] == [None, "2026-09-01"]
        assert changes["iban"] == [None, "FR76 •••• 0189"]  # never the whole account number
        lines = shown(entry)
        assert lines["prélèvement"] == ("non", "oui")
        assert lines["QF valable du"] == ("—", "01/09/2026")

        page = agent_client.get(reverse("backoffice:famille", args=[famille.pk])).content.decode()
        assert "Famille modifiée" in page
        assert "1 rue Haute" in page and "2 rue Basse" in page  # before and after, in the history
        assert "FR76 •••• 0189" in page and IBAN_OK.replace(" ", "") not in page

    def test_saving_unchanged_values_writes_nothing(self, agent_client, world):
        url = reverse("backoffice:famille_edit", args=[world.famille.pk])
        response = agent_client.post(url, famille_post(world.famille))
        assert response.status_code == 302
        assert logs_of(world.famille) == []

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"iban": IBAN_BAD}, "iban"),
            ({"iban": "FR76"}, "iban"),
            ({"bic": "NOTABIC!"}, "bic"),
            ({"direct_debit": "on", "iban": "", "mandate_reference": "R1", "mandate_signed_on": "2026-09-01"}, "iban"),
            (
                {"direct_debit": "on", "iban": IBAN_OK, "mandate_reference": "", "mandate_signed_on": "2026-09-01"},
                "mandate_reference",
            ),
            (
                {"direct_debit": "on", "iban": IBAN_OK, "mandate_reference": "R1", "mandate_signed_on": ""},
                "mandate_signed_on",
            ),
            ({"mandate_reference": "RUM*é"}, "mandate_reference"),
            ({"mandate_signed_on": "2099-01-01"}, "mandate_signed_on"),
            (
                {"quotient_familial": "500", "qf_valid_from": "2026-09-01", "qf_valid_until": "2026-08-01"},
                "qf_valid_until",
            ),
            ({"quotient_familial": "500", "qf_valid_from": ""}, "qf_valid_from"),
            ({"email": "pas-un-courriel"}, "email"),
        ],
    )
    def test_invalid_values_are_refused_with_a_message(self, agent_client, world, overrides, field):
        url = reverse("backoffice:famille_edit", args=[world.famille.pk])
        response = agent_client.post(url, famille_post(world.famille, **overrides))
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert logs_of(world.famille) == []
        assert Famille.objects.get(pk=world.famille.pk).iban == ""

    def test_bic_given_is_kept(self, agent_client, world):
        url = reverse("backoffice:famille_edit", args=[world.famille.pk])
        agent_client.post(url, famille_post(world.famille, iban=IBAN_OK, bic="bnpafrpp"))
        world.famille.refresh_from_db()
        assert world.famille.bic == "BNPAFRPP"


class TestResponsable:
    def test_contact_details_change_but_not_the_login(self, agent_client, world):
        alice = world.alice
        login = alice.user.email
        url = reverse("backoffice:responsable_edit", args=[alice.pk])
        assert agent_client.get(url).status_code == 200
        response = agent_client.post(
            url,
            {"civilite": "M.", "nom": alice.nom, "prenom": alice.prenom, "email": "nouveau@example.org", "phone": ""},
        )
        assert response.status_code == 302
        alice.refresh_from_db()
        alice.user.refresh_from_db()
        assert (alice.civilite, alice.email, alice.notify_by_email) == ("M.", "nouveau@example.org", False)
        assert alice.user.email == login
        [entry] = logs_of(alice)
        assert entry.data["changes"] == {
            "civilite": ["Mme", "M."],
            "email": [login, "nouveau@example.org"],
            "notify_by_email": [True, False],
        }
        assert shown(entry) == {
            "civilité": ("Madame", "Monsieur"),
            "courriel": (login, "nouveau@example.org"),
            "notifications par courriel": ("oui", "non"),
        }
        page = agent_client.get(reverse("backoffice:famille", args=[world.famille.pk])).content.decode()
        assert "Responsable modifié : ZTEST PAYS" in page

    def test_name_is_required(self, agent_client, world):
        url = reverse("backoffice:responsable_edit", args=[world.alice.pk])
        response = agent_client.post(url, {"civilite": "Mme", "nom": "", "prenom": "x"})
        assert response.status_code == 400
        assert Responsable.objects.get(pk=world.alice.pk).nom == "ZTEST"


class TestEnfant:
    def test_school_health_pickup_consent_and_departure(self, agent_client, world):
        other_school = f.EtablissementFactory(commune=world.commune, name="École du Haut")
        enfant = world.enfant
        url = reverse("backoffice:enfant_edit", args=[enfant.pk])
        assert agent_client.get(url).status_code == 200
        response = agent_client.post(
            url,
            {
                "etablissement": other_school.pk,
                "classe": "CE2",
                "allergies": "Arachide",
                "pai": "on",
                "authorized_pickup": "Mamie Jeanne, 06 00 00 00 00",
                "photo_consent": "on",
                "left_on": "2027-07-04",
            },
        )
        assert response.status_code == 302
        enfant.refresh_from_db()
        assert enfant.etablissement == other_school
        assert (enfant.classe, enfant.allergies, enfant.pai, enfant.photo_consent) == ("CE2", "Arachide", True, True)
        assert enfant.left_on == dt.date(2027, 7, 4)
        [entry] = logs_of(enfant)
        changes = entry.data["changes"]
        assert changes["etablissement"] == ["École de Chatte", "École du Haut"]
        assert changes["left_on"] == [None, "2027-07-04"]
        assert shown(entry)["parti le"] == ("—", "04/07/2027")
        assert set(changes) == {
            "etablissement",
            "classe",
            "allergies",
            "pai",
            "authorized_pickup",
            "photo_consent",
            "left_on",
        }

    def test_a_school_of_another_commune_is_not_a_choice(self, agent_client, world):
        url = reverse("backoffice:enfant_edit", args=[world.enfant.pk])
        response = agent_client.post(url, {"etablissement": world.other_enfant.etablissement_id})
        assert response.status_code == 400
        assert "etablissement" in response.context["form"].errors
        assert Enfant.objects.get(pk=world.enfant.pk).etablissement_id == world.etablissement.pk


def test_the_service_logs_what_the_locked_row_held_not_the_callers_stale_copy(world):
    """Two agents editing at once: the second one's 'before' is what the first one saved."""
    stale = Famille.objects.get(pk=world.famille.pk)
    family_services.famille_update(actor=world.agent.user, famille=world.famille, values={"phone": "0102030405"})
    family_services.famille_update(actor=world.other_agent.user, famille=stale, values={"phone": "0607080910"})
    newest, oldest = logs_of(world.famille)
    assert newest.data["changes"] == {"phone": ["0102030405", "0607080910"]}
    assert oldest.data["changes"]["phone"][0] is None


def test_fields_outside_the_edit_list_are_refused(world):
    with pytest.raises(ValueError):
        family_services.famille_update(actor=world.agent.user, famille=world.famille, values={"numero": "1"})


def test_audit_line_for_each_saved_change_of_the_three_pages(agent_client, world):
    agent_client.post(
        reverse("backoffice:famille_edit", args=[world.famille.pk]), famille_post(world.famille, city="Y")
    )
    agent_client.post(
        reverse("backoffice:responsable_edit", args=[world.alice.pk]),
        {
            "civilite": "Mme",
            "nom": "ZTEST",
            "prenom": "PAYS",
            "email": world.alice.email,
            "phone": "01",
            "notify_by_email": "on",
        },
    )
    agent_client.post(
        reverse("backoffice:enfant_edit", args=[world.enfant.pk]),
        {"etablissement": world.etablissement.pk, "classe": "CP"},
    )
    history = agent_client.get(reverse("backoffice:famille", args=[world.famille.pk])).context["history"]
    changes = [(c.label, c.after) for entry in history for c in entry.changes]
    assert ("ville", "Y") in changes
    assert ("téléphone", "01") in changes
    assert ("classe", "CP") in changes


def test_a_save_based_on_values_changed_meanwhile_is_refused_then_accepted(agent_client, world):
    """Agent A opens the form; agent B saves the address; A's save (phone) would write the
    old address back: it is refused, and the form comes back to be checked and saved."""
    url = reverse("backoffice:famille_edit", args=[world.famille.pk])
    form_a = agent_client.get(url).context["form"]
    shown_version = form_a["version"].value()
    family_services.famille_update(actor=world.agent.user, famille=world.famille, values={"address": "Chez B"})

    stale_post = famille_post(Famille.objects.get(pk=world.famille.pk), address="", phone="0102", version=shown_version)
    response = agent_client.post(url, stale_post)
    assert response.status_code == 409
    assert "a été modifiée par quelqu" in response.content.decode()
    world.famille.refresh_from_db()
    assert (world.famille.address, world.famille.phone) == ("Chez B", "")
    assert len(logs_of(world.famille)) == 1

    # The form came back with the current version: saving again goes through.
    again = dict(stale_post, version=response.context["form"]["version"].value(), address="Chez B")
    assert agent_client.post(url, again).status_code == 302
    world.famille.refresh_from_db()
    assert (world.famille.address, world.famille.phone) == ("Chez B", "0102")


def test_the_version_is_in_each_edit_form(agent_client, world):
    for url in [
        reverse("backoffice:famille_edit", args=[world.famille.pk]),
        reverse("backoffice:responsable_edit", args=[world.alice.pk]),
        reverse("backoffice:enfant_edit", args=[world.enfant.pk]),
    ]:
        page = agent_client.get(url).content.decode()
        assert 'type="hidden" name="version"' in page
        assert ">Version<" not in page


def test_a_departure_warns_about_bookings_left_after_it(agent_client, world, bo):
    f.CellFactory(enfant=world.enfant, service=bo.cantine, date=DAY, state=CellState.BOOKED)
    f.CellFactory(enfant=world.enfant, service=bo.cantine, date=DAY + dt.timedelta(days=7), state=CellState.BOOKED)
    url = reverse("backoffice:enfant_edit", args=[world.enfant.pk])
    response = agent_client.post(
        url, {"etablissement": world.etablissement.pk, "left_on": DAY.isoformat()}, follow=True
    )
    assert "1 jour réservé ou demandé après le départ reste au planning" in response.content.decode()


def test_family_page_shows_qf_mandate_masked_and_an_expired_qf(agent_client, world):
    famille = world.famille
    famille.quotient_familial, famille.qf_valid_from, famille.qf_valid_until = (
        640,
        dt.date(2020, 1, 1),
        dt.date(2021, 1, 1),
    )
    famille.iban, famille.bic, famille.mandate_reference = IBAN_OK.replace(" ", ""), "AGRIFRPPXXX", "RUM-1"
    famille.save()
    page = agent_client.get(reverse("backoffice:famille", args=[famille.pk])).content.decode()
    assert "640" in page and "expiré : à renouveler" in page
    assert "FR76 •••• 0189" in page and "RUM-1" in page
    assert IBAN_OK.replace(" ", "") not in page
