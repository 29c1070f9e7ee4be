"""The agent's invoicing run pages: choose a régie and a month, read the preview, Émettre;
the run's invoices and their PDFs. Scoped to the agent's communes; issuing needs the
billing permission."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from marelle.billing.models import Facture, InvoiceRun
from marelle.planning.models import CellState
from tests.billing.payments_setup import make_regie
from tests.billing.test_runs import cells, school_days

OCT = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def booked(world, cantine, cantine_tarif):
    world.famille.quotient_familial = 620
    world.famille.save()
    cells(world.enfant, cantine, school_days(OCT)[:10], CellState.BOOKED)


def grant(user):
    user.user_permissions.add(Permission.objects.get(codename="issue_invoices"))


def preview_url(regie, month="2026-10"):
    return reverse("backoffice:facturation_preview", args=[regie.pk, month])


def test_the_form_leads_to_the_preview_which_explains_each_price(agent_client, regie, booked):
    response = agent_client.get(reverse("backoffice:facturation"), {"regie": regie.pk, "month": "2026-10"})
    assert response.status_code == 302 and response["Location"] == preview_url(regie)
    page = agent_client.get(preview_url(regie)).content.decode()
    assert "1 facture à émettre, total 32,00" in page
    assert "QF 620" in page and "3,20" in page
    assert "Émettre demande le droit de facturation." in page  # no permission: no button
    assert "facturation_issue" not in page and "/emettre/" not in page
    assert not Facture.objects.exists()


def test_issue_numbers_the_invoices_and_lists_them_with_their_pdf(agent_client, world, regie, booked):
    grant(world.agent.user)
    assert "/emettre/" in agent_client.get(preview_url(regie)).content.decode()
    response = agent_client.post(reverse("backoffice:facturation_issue", args=[regie.pk, "2026-10"]))
    run = InvoiceRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:facturation_run", args=[run.pk])
    facture = Facture.objects.get()
    page = agent_client.get(response["Location"]).content.decode()
    assert facture.number in page and "32,00" in page and "1 facture(s) émise(s)" in page
    pdf = agent_client.get(reverse("backoffice:facture_pdf", args=[facture.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    # A second click bills nothing twice.
    page = agent_client.get(preview_url(regie)).content.decode()
    assert "Rien à facturer pour ce mois" in page


def test_issuing_without_the_permission_is_refused_and_writes_nothing(agent_client, regie, booked):
    response = agent_client.post(reverse("backoffice:facturation_issue", args=[regie.pk, "2026-10"]))
    assert response.status_code == 403
    assert not InvoiceRun.objects.exists()


def test_a_missing_tarif_is_explained_and_blocks_the_issue(agent_client, world, regie, cantine):
    from marelle.billing.models import ServiceBilling

    ServiceBilling.objects.get_or_create(service=cantine, defaults={"regie": regie})
    grant(world.agent.user)
    cells(world.enfant, cantine, school_days(OCT)[:3], CellState.BOOKED)
    page = agent_client.get(preview_url(regie)).content.decode()
    assert "Aucun tarif en vigueur" in page and cantine.name in page and "/emettre/" not in page
    response = agent_client.post(reverse("backoffice:facturation_issue", args=[regie.pk, "2026-10"]), follow=True)
    assert "Aucun tarif pour" in response.content.decode()
    assert not Facture.objects.exists()


@pytest.mark.parametrize("month", ["2026-13", "abcd-ef", "99999-01", "2026"])
def test_a_bad_month_is_a_404_and_a_bad_form_a_message(agent_client, regie, month):
    assert agent_client.get(preview_url(regie, month)).status_code == 404
    response = agent_client.get(reverse("backoffice:facturation"), {"regie": regie.pk, "month": month})
    assert response.status_code == 200 and "Mois invalide" in response.content.decode()


def test_a_coming_month_cannot_be_issued(agent_client, world, regie, booked):
    grant(world.agent.user)
    assert (
        "Un mois à venir ne peut pas être facturé." in agent_client.get(preview_url(regie, "2026-12")).content.decode()
    )
    agent_client.post(reverse("backoffice:facturation_issue", args=[regie.pk, "2026-12"]))
    assert not InvoiceRun.objects.exists()


def test_another_communes_regie_run_and_invoice_are_a_404(agent_client, world):
    from tests.billing.payments_setup import make_facture

    grant(world.agent.user)
    theirs = make_regie(world.other_commune)
    run = InvoiceRun.objects.create(
        regie=theirs,
        month=OCT,
        status=InvoiceRun.Status.ISSUED,
        created_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        issued_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
    )
    facture = make_facture(world.bob, theirs, "12.00", run=run)
    assert agent_client.get(preview_url(theirs)).status_code == 404
    assert agent_client.post(reverse("backoffice:facturation_issue", args=[theirs.pk, "2026-10"])).status_code == 404
    assert agent_client.get(reverse("backoffice:facturation_run", args=[run.pk])).status_code == 404
    assert agent_client.get(reverse("backoffice:facture_pdf", args=[facture.pk])).status_code == 404
    assert "Têche" not in agent_client.get(reverse("backoffice:facturation")).content.decode()


def test_the_invoice_list_finds_unpaid_invoices_and_their_total(agent_client, world, regie, booked):
    grant(world.agent.user)
    agent_client.post(reverse("backoffice:facturation_issue", args=[regie.pk, "2026-10"]))
    facture = Facture.objects.get()
    page = agent_client.get(reverse("backoffice:factures"), {"unpaid": "on"}).content.decode()
    assert facture.number in page and "Reste à encaisser sur vos communes : 32,00" in page
    assert agent_client.get(reverse("backoffice:factures"), {"q": "nobody"}).content.decode().count(facture.number) == 0
    assert (
        facture.number in agent_client.get(reverse("backoffice:factures"), {"q": world.famille.numero}).content.decode()
    )


def test_a_credit_note_needs_a_reason_then_corrects_the_invoice(agent_client, world, regie, booked):
    grant(world.agent.user)
    agent_client.post(reverse("backoffice:facturation_issue", args=[regie.pk, "2026-10"]))
    facture = Facture.objects.get()
    url = reverse("backoffice:credit_note", args=[facture.pk])
    response = agent_client.post(url, {"reason": "", "amount": ""})
    assert response.status_code == 400 and Facture.objects.count() == 1
    response = agent_client.post(url, {"reason": "Erreur", "amount": "99.00"})
    assert response.status_code == 400 and Facture.objects.count() == 1
    response = agent_client.post(url, {"reason": "Sortie scolaire", "amount": "6.40"})
    assert response.status_code == 302
    note = Facture.objects.get(credit_of=facture)
    assert note.total == Decimal("6.40")
    page = agent_client.get(reverse("backoffice:factures"), {"unpaid": "on"}).content.decode()
    assert "Reste à encaisser sur vos communes : 25,60" in page


def test_credit_notes_need_the_permission_and_stay_in_the_commune(agent_client, world, regie, booked):
    from tests.billing.payments_setup import make_facture

    theirs = make_facture(world.bob, make_regie(world.other_commune), "12.00")
    grant(world.agent.user)
    assert agent_client.get(reverse("backoffice:credit_note", args=[theirs.pk])).status_code == 404
    assert theirs.number not in agent_client.get(reverse("backoffice:factures")).content.decode()
    world.agent.user.user_permissions.clear()
    mine = make_facture(world.alice, regie, "10.00")
    agent_client.logout()
    agent_client.force_login(world.agent.user)
    assert agent_client.post(reverse("backoffice:credit_note", args=[mine.pk]), {"reason": "x"}).status_code == 403
    assert not Facture.objects.filter(credit_of=mine).exists()


def test_reminders_go_once_to_overdue_payers_of_the_agents_communes(agent_client, world, regie):
    from marelle.messaging.models import Message
    from tests.billing.payments_setup import make_facture

    late = make_facture(world.alice, regie, "30.00", issued_on=dt.date(2026, 10, 1), due_on=dt.date(2026, 10, 31))
    make_facture(world.alice, regie, "10.00", due_on=dt.date(2026, 11, 30))
    theirs_regie = make_regie(world.other_commune)
    make_facture(world.bob, theirs_regie, "12.00", issued_on=dt.date(2026, 9, 1), due_on=dt.date(2026, 10, 1))
    url = reverse("backoffice:factures_relance")
    assert agent_client.post(url).status_code == 403  # the billing permission
    grant(world.agent.user)
    assert "Relancer la facture échue" in agent_client.get(reverse("backoffice:factures")).content.decode()
    page = agent_client.post(url, follow=True).content.decode()
    assert "1 relance(s) envoyée(s)." in page
    (notice,) = Message.objects.filter(kind="relance")
    assert notice.famille_id == world.famille.pk and late.number in notice.subject and "30,00" in notice.body
    # A second click the same week sends nothing twice.
    assert "Aucune facture échue à relancer" in agent_client.post(url, follow=True).content.decode()
    assert Message.objects.filter(kind="relance").count() == 1
    assert not Message.objects.filter(famille=world.other_famille, kind="relance").exists()


def test_the_run_form_proposes_last_month(agent_client, world, regie):
    import time_machine

    with time_machine.travel(dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC), tick=False):
        agent_client.force_login(world.agent.user)  # a session of that day
        html = agent_client.get(reverse("backoffice:facturation")).content.decode()
    assert 'value="2026-12"' in html  # early January: December is the month to bill
