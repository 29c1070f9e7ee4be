"""The parent's account: Accueil's blocks, the Relevé de compte, invoice PDFs, the planning's price."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from marelle.billing.models import Facture, Payment
from marelle.billing.selectors import account_statement, balance_on
from marelle.billing.services.credit_notes import credit_note_issue
from marelle.planning.models import CellState
from tests import factories as f
from tests.billing.factories import PaymentFactory
from tests.billing.test_runs import OCT, cells, issue, school_days

NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def october(world, cantine, cantine_tarif, regie):
    """Alice's child billed 12 days of October at 3,20 € (QF 620)."""
    world.famille.quotient_familial = 620
    world.famille.address = "1 place de la Mairie"
    world.famille.postal_code = "38160"
    world.famille.city = "Chatte"
    world.famille.save()
    cells(world.enfant, cantine, school_days(OCT)[:12])
    run = issue(regie)
    return Facture.objects.get(run=run)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_accueil_shows_the_balance_and_the_unpaid_invoice(alice_client, world, october, frozen):
    html = alice_client.get(reverse("portal:accueil")).content.decode()
    assert "Solde au vendredi 4 décembre 2026 : -38,40\u00a0€" in html
    assert october.number in html
    assert reverse("portal:facture_pdf", args=[october.pk]) in html
    assert 'action="/portail/payer/"' in html and f'value="{october.pk}"' in html
    assert "Aucune facture impayée" not in html


def test_a_paid_invoice_leaves_the_unpaid_list(alice_client, world, october, frozen):
    from marelle.billing.models import PaymentAllocation

    payment = PaymentFactory(famille=world.famille, amount=Decimal("38.40"), received_on=dt.date(2026, 11, 20))
    PaymentAllocation.objects.create(payment=payment, facture=october, amount=Decimal("38.40"))
    html = alice_client.get(reverse("portal:accueil")).content.decode()
    assert "Aucune facture impayée" in html
    assert "Solde au vendredi 4 décembre 2026 : 0,00\u00a0€" in html


def test_releve_final_balance_is_invoices_minus_payments_minus_credit_notes(
    alice_client, world, october, cantine, regie, frozen
):
    PaymentFactory(famille=world.famille, amount=Decimal("20.00"), received_on=dt.date(2026, 11, 10))
    note = credit_note_issue(
        facture=october, actor=None, reason="Repas non servi", amount=Decimal("3.20"), now=NOW - dt.timedelta(days=1)
    )
    cells(world.enfant, cantine, school_days(dt.date(2026, 11, 1))[:5])
    november = Facture.objects.get(run=issue(regie, month=dt.date(2026, 11, 1), now=NOW))
    response = alice_client.get(reverse("portal:releve"))
    html = response.content.decode()
    statement = response.context["statement"]
    invoices = october.total + november.total
    payments = Decimal("20.00")
    credits = note.total
    assert statement.closing == -(invoices - payments - credits) == Decimal("-31.20")
    assert [line.balance for line in statement.lines] == [
        Decimal("-38.40"),
        Decimal("-18.40"),
        Decimal("-15.20"),
        Decimal("-31.20"),
    ]
    assert balance_on(world.famille, NOW.date()) == statement.closing
    for facture in (october, note, november):
        assert reverse("portal:facture_pdf", args=[facture.pk]) in html
    assert f"Avoir {note.number} (facture {october.number})" in html
    assert "Paiement (chèque)" in html


def test_releve_filters_by_year_with_the_balance_brought_forward(alice_client, world, frozen):
    PaymentFactory(famille=world.famille, amount=Decimal("10.00"), received_on=dt.date(2025, 6, 1))
    PaymentFactory(famille=world.famille, amount=Decimal("5.00"), received_on=dt.date(2026, 6, 1))
    response = alice_client.get(reverse("portal:releve"), {"annee": "2026"})
    statement = response.context["statement"]
    assert statement.opening == Decimal("10.00")
    assert [line.balance for line in statement.lines] == [Decimal("15.00")]
    assert "Solde reporté" in response.content.decode()
    assert alice_client.get(reverse("portal:releve"), {"annee": "n'importe"}).status_code == 200


def test_the_pdf_holds_the_numero_famille_the_lines_and_the_total(alice_client, world, october):
    response = alice_client.get(reverse("portal:facture_pdf", args=[october.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert world.famille.numero in text
    assert october.number in text
    assert "Chatte" in text and "Régie périscolaire de Chatte" in text
    assert "ZTEST PAYS" in text
    assert "RESTAURATION — Réservé / Présent" in text
    assert "QF 620 » tranche 2 : 3,20" in text  # the core font has no arrow
    assert "38,40" in text and "Total à payer" in text
    assert "Comment payer" in text and "prélèvement" in text and "En mairie" in text
    assert "Trésorerie de Saint-Marcellin" in text  # the régie's invoice text


def test_the_pdf_draws_in_the_core_font_when_windows_1252_suffices(october):
    pdf = october.pdf.read()
    assert b"/Helvetica" in pdf and b"/FontFile2" not in pdf  # nothing embedded
    assert len(pdf) < 6000


def test_a_name_beyond_windows_1252_embeds_a_unicode_font(world, cantine, cantine_tarif, regie):
    world.alice.nom, world.alice.prenom = "Nguyễn", "Łucja"
    world.alice.save()
    cells(world.enfant, cantine, school_days(OCT)[:2])
    facture = Facture.objects.get(run=issue(regie))
    pdf = facture.pdf.read()
    assert b"/FontFile2" in pdf  # DejaVu, embedded
    text = pdf_text(pdf)
    assert "Nguyễn" in text and "Łucja" in text
    assert "→ tranche" in text  # the price explanation keeps its arrow


def test_the_pdf_is_written_once_at_issue_and_never_changes(alice_client, world, october, regie):
    before = october.pdf.read()
    october.pdf.close()
    regie.invoice_text = "Autre texte"
    regie.save()
    response = alice_client.get(reverse("portal:facture_pdf", args=[october.pk]))
    assert b"".join(response.streaming_content) == before


def test_another_familys_invoice_pdf_is_a_404(client, world, october):
    client.force_login(world.bob.user)
    assert client.get(reverse("portal:facture_pdf", args=[october.pk])).status_code == 404


def test_the_other_separated_parents_invoice_is_a_404(client, world, october):
    other_parent = f.ResponsableFactory(famille=world.famille, user__username="other.parent@example.org")
    client.force_login(other_parent.user)
    assert client.get(reverse("portal:facture_pdf", args=[october.pk])).status_code == 404
    html = client.get(reverse("portal:accueil")).content.decode()
    assert october.number not in html


def test_the_pdf_needs_a_login(client, october):
    response = client.get(reverse("portal:facture_pdf", args=[october.pk]))
    assert response.status_code == 302 and "/portail/" in response["Location"]


def test_an_invoice_without_stored_pdf_gets_one_on_first_reading(alice_client, world):
    from tests.billing.factories import FactureFactory

    legacy = FactureFactory(famille=world.famille, responsable=world.alice, number="CHA-1")
    response = alice_client.get(reverse("portal:facture_pdf", args=[legacy.pk]))
    assert "CHA-1" in pdf_text(b"".join(response.streaming_content))
    legacy.refresh_from_db()
    assert legacy.pdf.name


def test_statement_counts_only_confirmed_payments(world, frozen):
    PaymentFactory(famille=world.famille, amount=Decimal("10.00"), status=Payment.Status.PENDING)
    assert account_statement(world.famille).lines == []


@pytest.mark.usefixtures("frozen")
def test_rythme_preview_shows_the_price_before_confirming(alice_client, world, cantine, cantine_tarif):
    world.famille.quotient_familial = 620
    world.famille.save()
    data = {"services": [cantine.pk], "weekdays": ["0", "3"], "start": "2026-12-07", "end": "2026-12-18"}
    html = alice_client.post(reverse("portal:rythme", args=[world.enfant.pk]), data).content.decode()
    # Mondays and Thursdays 7–18 December: 4 days at 3,20 €.
    assert "4 jours × 3,20\u00a0€ = 12,80\u00a0€" in html


def test_price_preview_is_the_invoice_rule(world, cantine, cantine_tarif):
    from marelle.billing.selectors import price_preview

    world.famille.quotient_familial = None
    world.famille.save()
    preview = price_preview(enfant=world.enfant, service=cantine, days=[dt.date(2026, 12, 7), dt.date(2026, 12, 10)])
    assert preview.total == Decimal("8.20") and preview.text == "2 jours × 4,10\u00a0€ = 8,20\u00a0€"
    assert price_preview(enfant=world.enfant, service=cantine, days=[dt.date(2026, 8, 3)]) is None  # no tarif yet


def test_a_cancelled_day_stays_out_of_the_price(world, cantine, cantine_tarif):
    cells(world.enfant, cantine, [dt.date(2026, 10, 1)], CellState.ABSENCE_EXCUSED)
    from marelle.billing.models import Regie
    from marelle.billing.services.runs import invoice_run_preview

    assert invoice_run_preview(regie=Regie.objects.get(), month=OCT).invoices == []
