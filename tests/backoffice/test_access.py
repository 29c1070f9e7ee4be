"""Who reaches /gestion/: agents only, each within their communes; animateurs only the
pointage; a required second factor is asked for."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from marelle.documents.models import PublishedDocument
from marelle.documents.services import family_document_upload, published_document_create
from marelle.families.contact_changes import contact_change_submit
from marelle.families.models import ContactChangeRequest
from marelle.messaging.services import family_write
from marelle.planning.models import CellState, Demande
from marelle.territory.models import Closure
from tests import factories as f
from tests.backoffice.conftest import DAY
from tests.documents.conftest import pdf_bytes, upload
from tests.url_matrix import check_matrix

LIST_URLS = [
    "backoffice:paiements",
    "backoffice:paiements_csv",
    "backoffice:mandats",
    "backoffice:sepa",
    "backoffice:exports",
    "backoffice:facturation",
    "backoffice:factures",
    "backoffice:dashboard",
    "backoffice:demandes",
    "backoffice:familles",
    "backoffice:calendrier",
    "backoffice:pointage",
    "backoffice:effectifs",
    "backoffice:effectifs_csv",
    "backoffice:effectifs_xlsx",
    "backoffice:documents",
    "backoffice:messagerie",
    "backoffice:messagerie_compose",
    "backoffice:messagerie_courriels",
    "backoffice:contacts",
]


def _their_published(w):
    """A document commune B (Têche) publishes."""
    return published_document_create(
        commune=w.other_commune,
        etablissement=None,
        kind="menu",
        title="Menu de Têche",
        upload=upload(pdf_bytes()),
        valid_from=DAY,
        valid_until=None,
        actor=w.other_agent.user,
        now=timezone.now(),
    )


def _their_document(w):
    """A document a family of commune B sent."""
    return family_document_upload(
        famille=w.other_famille,
        responsable=w.bob,
        kind="assurance",
        upload=upload(pdf_bytes()),
        actor=w.bob.user,
        now=timezone.now(),
    )


def _their_contact_change(w):
    """A change of address that a parent of commune B sent to their mairie (it waits for an agent)."""
    contact_change_submit(
        responsable=w.bob,
        values={"address": "2 rue de Têche", "postal_code": "38470", "city": "Têche"},
        actor=w.bob.user,
        now=timezone.now(),
    )
    return ContactChangeRequest.objects.get(responsable=w.bob)


def _their_message(w):
    """A message a family of commune B wrote to its mairie, with a PDF."""
    return family_write(
        responsable=w.bob, subject="Question de Têche", body="…", files=[upload(pdf_bytes())], now=timezone.now()
    )


# Every URL that takes an id, built from commune B's (Têche's) objects.
OBJECT_URLS = {
    "demande": lambda w, b: reverse("backoffice:demande", args=[b.other_demande.pk]),
    "famille": lambda w, b: reverse("backoffice:famille", args=[w.other_famille.pk]),
    "famille_edit": lambda w, b: reverse("backoffice:famille_edit", args=[w.other_famille.pk]),
    "responsable_edit": lambda w, b: reverse("backoffice:responsable_edit", args=[w.bob.pk]),
    "enfant_edit": lambda w, b: reverse("backoffice:enfant_edit", args=[w.other_enfant.pk]),
    "closure_delete": lambda w, b: reverse(
        "backoffice:closure_delete", args=[f.ClosureFactory(commune=w.other_commune).pk]
    ),
    "enfant_planning": lambda w, b: reverse("backoffice:enfant_planning", args=[w.other_enfant.pk]),
    "inscription_create": lambda w, b: reverse("backoffice:inscription_create", args=[w.other_enfant.pk]),
    "contrat_create": lambda w, b: reverse("backoffice:contrat_create", args=[b.other_inscription.pk]),
    "contrat_change": lambda w, b: reverse("backoffice:contrat_change", args=[b.other_contrat.pk]),
    "calendrier_commune": lambda w, b: reverse("backoffice:calendrier_commune", args=[w.other_commune.pk]),
    "pointage_sheet": lambda w, b: reverse("backoffice:pointage_sheet", args=[b.other_service.pk, DAY.isoformat()]),
    "effectifs_liste": lambda w, b: reverse("backoffice:effectifs_liste", args=[b.other_service.pk, DAY.isoformat()]),
    "document_published_file": lambda w, b: reverse(
        "backoffice:document_published_file", args=[_their_published(w).pk]
    ),
    "document_withdraw": lambda w, b: reverse("backoffice:document_withdraw", args=[_their_published(w).pk]),
    "document_family_file": lambda w, b: reverse("backoffice:document_family_file", args=[_their_document(w).pk]),
    "document_decide": lambda w, b: reverse("backoffice:document_decide", args=[_their_document(w).pk]),
    "contact_decide": lambda w, b: reverse("backoffice:contact_decide", args=[_their_contact_change(w).pk]),
    "contact_policy": lambda w, b: reverse("backoffice:contact_policy", args=[w.other_commune.pk]),
    "messagerie_message": lambda w, b: reverse("backoffice:messagerie_message", args=[_their_message(w).pk]),
    "messagerie_attachment": lambda w, b: reverse(
        "backoffice:messagerie_attachment", args=[_their_message(w).attachments.get().pk]
    ),
}

# URLs whose refusals are tested by a dedicated test (a path::name that must exist).
TESTED_ELSEWHERE = {
    "paiement_create": "tests/billing/test_payments_backoffice.py::test_another_communes_objects_are_a_404",
    "mandat_create": "tests/billing/test_payments_backoffice.py::test_another_communes_objects_are_a_404",
    "mandat_revoke": "tests/billing/test_payments_backoffice.py::test_another_communes_objects_are_a_404",
    "sepa_batch": "tests/billing/test_payments_backoffice.py::test_another_communes_objects_are_a_404",
    "sepa_download": "tests/billing/test_payments_backoffice.py::test_another_communes_objects_are_a_404",
    "sepa_reject": "tests/billing/test_payments_backoffice.py::test_another_communes_objects_are_a_404",
    "export_csv": "tests/billing/test_payments_backoffice.py::test_another_communes_objects_are_a_404",
    "export_pes": "tests/billing/test_payments_backoffice.py::test_another_communes_objects_are_a_404",
    "facturation_preview": "tests/billing/test_runs_backoffice.py::test_another_communes_regie_run_and_invoice_are_a_404",
    "facturation_issue": "tests/billing/test_runs_backoffice.py::test_another_communes_regie_run_and_invoice_are_a_404",
    "facturation_run": "tests/billing/test_runs_backoffice.py::test_another_communes_regie_run_and_invoice_are_a_404",
    "facture_pdf": "tests/billing/test_runs_backoffice.py::test_another_communes_regie_run_and_invoice_are_a_404",
    "factures_relance": "tests/billing/test_runs_backoffice.py::test_reminders_go_once_to_overdue_payers_of_the_agents_communes",
    "credit_note": "tests/billing/test_runs_backoffice.py::test_credit_notes_need_the_permission_and_stay_in_the_commune",
    "paiement_lookup": "tests/billing/test_payments_backoffice.py::test_lookups_find_only_the_agents_families",
    "mandat_lookup": "tests/billing/test_payments_backoffice.py::test_lookups_find_only_the_agents_families",
    "demandes_decide": "tests/backoffice/test_access.py::test_deciding_another_communes_demande_changes_nothing",
    "document_publish": "tests/backoffice/test_access.py::test_publishing_for_another_commune_is_refused",
    "otp_enrol": "tests/backoffice/test_access.py::TestOtp",
    "otp_verify": "tests/backoffice/test_access.py::TestOtp",
    "messagerie_handled": "tests/messaging/test_inbox.py::test_agent_isolation_for_messages_attachments_and_emails",
    "messagerie_email_retry": "tests/messaging/test_inbox.py::test_failed_emails_page_is_scoped_and_retry_works",
}


def test_the_matrix_lists_every_backoffice_url():
    """A new back-office URL must be added to LIST_URLS, OBJECT_URLS or TESTED_ELSEWHERE."""
    problems = check_matrix(
        covered=LIST_URLS + [f"backoffice:{name}" for name in OBJECT_URLS],
        elsewhere={f"backoffice:{name}": test for name, test in TESTED_ELSEWHERE.items()},
        belongs=lambda name: name.startswith("backoffice:"),
        where="tests/backoffice/test_access.py",
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_agent_of_commune_a_gets_404_for_each_object_of_commune_b(agent_client, world, bo, name, method):
    url = OBJECT_URLS[name](world, bo)
    response = getattr(agent_client, method)(
        url, {"reason": "x", "action": "close", "form": "closure", "restore": "on", "address": "ailleurs"}
    )
    assert response.status_code == 404
    if method == "post":  # and nothing was written
        world.other_famille.refresh_from_db()
        assert world.other_famille.address != "ailleurs"
        assert Closure.objects.filter(commune=world.other_commune).exists() == (name == "closure_delete")


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_agent_of_commune_b_reaches_the_same_objects(client, world, bo, name):
    client.force_login(world.other_agent.user)
    assert client.get(OBJECT_URLS[name](world, bo)).status_code == 200


def test_deciding_another_communes_demande_changes_nothing(agent_client, world, bo):
    response = agent_client.post(
        reverse("backoffice:demandes_decide"), {"ids": [bo.other_demande.pk], "decision": "accept"}
    )
    assert response.status_code == 302
    bo.other_demande.refresh_from_db()
    assert bo.other_demande.status == Demande.Status.PENDING


def test_publishing_for_another_commune_is_refused(agent_client, world):
    response = agent_client.post(
        reverse("backoffice:document_publish"),
        {
            "commune": world.other_commune.pk,
            "kind": "menu",
            "title": "Intrus",
            "valid_from": DAY.isoformat(),
            "file": upload(pdf_bytes()),
        },
    )
    assert response.status_code == 400
    assert not PublishedDocument.objects.filter(title="Intrus").exists()


def test_pointage_of_another_communes_child_is_a_404(client, world, bo):
    """On a sheet of one's own commune, a child id from another commune is not found either."""
    client.force_login(world.agent.user)
    url = reverse("backoffice:pointage_sheet", args=[bo.cantine.pk, DAY.isoformat()])
    response = client.post(url, {"action": "add", "enfant": world.other_enfant.pk})
    assert response.status_code == 404


def test_lists_show_only_the_agents_communes(agent_client, world, bo):
    from tests.backoffice.conftest import make_pending_demande

    make_pending_demande(world.enfant, bo.cantine)
    page = agent_client.get(reverse("backoffice:demandes")).content.decode()
    assert world.enfant.prenom in page
    assert world.other_enfant.prenom not in page
    found = agent_client.get(reverse("backoffice:familles"), {"q": world.other_famille.numero}).content.decode()
    assert reverse("backoffice:famille", args=[world.other_famille.pk]) not in found


@pytest.mark.parametrize("url", [reverse(n) for n in LIST_URLS] + ["/gestion/familles/1/"])
def test_a_parent_gets_no_backoffice_page(alice_client, url):
    assert alice_client.get(url).status_code == 404


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_a_parent_gets_no_backoffice_object_page(alice_client, world, bo, name):
    assert alice_client.get(OBJECT_URLS[name](world, bo)).status_code == 404


@pytest.mark.parametrize("url", [reverse(n) for n in LIST_URLS])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login") + "?next=")


def test_a_staff_user_without_agent_profile_gets_404(client, db):
    client.force_login(f.UserFactory(is_staff=True))
    assert client.get(reverse("backoffice:dashboard")).status_code == 404


def test_animateur_reaches_only_the_pointage(client, world, bo):
    animateur = f.AgentFactory(communes=[world.commune], is_animateur=True)
    client.force_login(animateur.user)
    assert client.get(reverse("backoffice:dashboard"))["Location"] == reverse("backoffice:pointage")
    for name in ["backoffice:demandes", "backoffice:familles", "backoffice:effectifs"]:
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("backoffice:pointage")).status_code == 200
    sheet = reverse("backoffice:pointage_sheet", args=[bo.cantine.pk, DAY.isoformat()])
    assert client.get(sheet).status_code == 200


def test_animateur_cannot_fix_an_error(client, world, bo):
    animateur = f.AgentFactory(communes=[world.commune], is_animateur=True)
    cell = f.CellFactory(enfant=world.enfant, service=bo.cantine, date=DAY, state=CellState.ERROR)
    client.force_login(animateur.user)
    sheet = reverse("backoffice:pointage_sheet", args=[bo.cantine.pk, DAY.isoformat()])
    client.post(sheet, {"action": "fix", "enfant": world.enfant.pk, "arrival": "08:00", "departure": "09:00"})
    cell.refresh_from_db()
    assert cell.state == CellState.ERROR


class TestOtp:
    def test_required_otp_without_device_leads_to_enrolment(self, client, world):
        world.agent.require_otp = True
        world.agent.save()
        client.force_login(world.agent.user)
        response = client.get(reverse("backoffice:dashboard"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("backoffice:otp_enrol")
        assert b"<svg" in response.content

    def test_enrolment_with_a_good_code_verifies_the_session(self, client, world):
        world.agent.require_otp = True
        world.agent.save()
        client.force_login(world.agent.user)
        client.get(reverse("backoffice:otp_enrol"))
        client.get(reverse("backoffice:otp_enrol"))  # opening the page twice writes nothing
        assert not TOTPDevice.objects.filter(user=world.agent.user).exists()
        device = _candidate(client, world)
        response = client.post(reverse("backoffice:otp_enrol"), {"token": _token(device)})
        assert response["Location"] == reverse("backoffice:dashboard")
        device = TOTPDevice.objects.get(user=world.agent.user)
        assert client.get(reverse("backoffice:dashboard")).status_code == 200
        device.refresh_from_db()
        assert device.confirmed

    def test_a_wrong_code_is_refused(self, client, world):
        client.force_login(world.agent.user)
        client.get(reverse("backoffice:otp_enrol"))
        device = _candidate(client, world)
        wrong = "000000" if _token(device) != "000000" else "111111"
        response = client.post(reverse("backoffice:otp_enrol"), {"token": wrong})
        assert response.status_code == 200
        assert not TOTPDevice.objects.filter(user=world.agent.user).exists()

    def test_a_new_session_must_verify_its_code(self, client, world):
        world.agent.require_otp = True
        world.agent.save()
        device = TOTPDevice.objects.create(user=world.agent.user, name="t", confirmed=True)
        client.force_login(world.agent.user)
        assert client.get(reverse("backoffice:demandes"))["Location"] == reverse("backoffice:otp_verify")
        # Enrolling a new device is not a way round the code.
        assert client.get(reverse("backoffice:otp_enrol"))["Location"] == reverse("backoffice:otp_verify")
        response = client.post(reverse("backoffice:otp_verify"), {"token": _token(device)})
        assert response["Location"] == reverse("backoffice:dashboard")
        assert client.get(reverse("backoffice:demandes")).status_code == 200

    def test_otp_not_required_lets_the_agent_in(self, agent_client):
        assert agent_client.get(reverse("backoffice:dashboard")).status_code == 200


def _candidate(client, world) -> TOTPDevice:
    """The (unsaved) device the enrolment page shows, from the key kept in the session."""
    from marelle.backoffice.views.otp import SESSION_KEY

    return TOTPDevice(user=world.agent.user, key=client.session[SESSION_KEY])


def _token(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = __import__("time").time()
    return f"{totp.token():06d}"
