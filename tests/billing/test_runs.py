"""The monthly run: preview, issue, numbering, re-runs and regularisations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marelle.billing.models import BilledCell, Facture, FactureLine, InvoiceRun
from marelle.billing.services.runs import BillingError, invoice_run_issue, invoice_run_preview
from marelle.planning.models import Cell, CellState
from tests import factories as f
from tests.billing.factories import tarif_for

OCT = dt.date(2026, 10, 1)
NOV_5 = dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC)


def school_days(month: dt.date, weekdays="0134") -> list[dt.date]:
    days = []
    day = month
    while day.month == month.month:
        if str(day.weekday()) in weekdays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def cells(enfant, service, days, state=CellState.BOOKED, **extra):
    return [
        Cell.objects.create(enfant=enfant, service=service, date=d, state=state, state_since=timezone.now(), **extra)
        for d in days
    ]


def issue(regie, month=OCT, now=NOV_5, **kw):
    return invoice_run_issue(regie=regie, month=month, actor=None, now=now, **kw)


@pytest.fixture
def famille_qf(world):
    fam = world.famille
    fam.quotient_familial = 620
    fam.save()
    return fam


def test_preview_lines_say_count_unit_price_and_why(world, famille_qf, cantine, cantine_tarif, regie):
    days = school_days(OCT)[:12]
    cells(world.enfant, cantine, days)
    preview = invoice_run_preview(regie=regie, month=OCT)
    assert len(preview.invoices) == 1
    draft = preview.invoices[0]
    assert draft.responsable == world.alice
    (line,) = draft.lines
    assert (line.quantity, line.unit_price, line.amount) == (12, Decimal("3.20"), Decimal("38.40"))
    assert line.days == 12
    assert line.explanation == "QF 620 → tranche 2 : 3,20\u00a0€"
    assert line.label == "RESTAURATION — Réservé / Présent"
    assert draft.total == Decimal("38.40")


def _shape(lines):
    return [
        (
            ln.label,
            ln.quantity,
            ln.unit_price,
            ln.amount,
            ln.price_explanation if hasattr(ln, "price_explanation") else ln.explanation,
            ln.is_regularisation,
        )
        for ln in lines
    ]


def test_the_preview_is_what_gets_issued(world, famille_qf, cantine, cantine_tarif, garderie, regie):
    tarif_for(garderie, regie, unit="half_hour", prices=("0.50", "0.70", "0.90"))
    days = school_days(OCT)
    cells(world.enfant, cantine, days[:8])
    cells(world.enfant, cantine, days[8:10], CellState.ABSENCE_BILLED)
    cells(world.enfant, cantine, days[10:11], CellState.OUT_OF_CONTRACT)
    cells(world.enfant, cantine, days[11:13], CellState.ABSENCE_EXCUSED)
    cells(world.enfant, garderie, days[:3], CellState.PRESENT, arrival=dt.time(7, 35), departure=dt.time(8, 20))
    preview = invoice_run_preview(regie=regie, month=OCT)
    expected = [(d.responsable.pk, d.total, _shape(d.lines)) for d in preview.invoices]
    run = issue(regie)
    issued = [
        (fa.responsable_id, fa.total, _shape(fa.lines.order_by("position")))
        for fa in Facture.objects.filter(run=run).order_by("famille__numero", "responsable_id")
    ]
    assert issued == expected
    assert (
        run.total
        == preview.total
        == Decimal("8") * Decimal("3.20") + 2 * Decimal("3.20") + Decimal("5.00") + 3 * 2 * Decimal("0.70")
    )


def test_issued_invoice_is_numbered_dated_and_addressed_to_the_payer(world, famille_qf, cantine, cantine_tarif, regie):
    cells(world.enfant, cantine, school_days(OCT)[:3])
    run = issue(regie)
    facture = Facture.objects.get(run=run)
    assert facture.number == "CHA-2026-000001"
    assert facture.issued_on == dt.date(2026, 11, 5)
    assert facture.due_on == dt.date(2026, 11, 25)  # régie.due_days = 20
    assert facture.responsable == world.alice and facture.famille == world.famille
    assert facture.month == OCT and facture.kind == Facture.Kind.INVOICE
    assert facture.status == Facture.Status.ISSUED
    assert facture.pdf.name.endswith("CHA-2026-000001.pdf")
    assert BilledCell.objects.filter(line__facture=facture).count() == 3


def test_separated_parents_each_get_the_invoice_of_what_they_pay(world, cantine, cantine_tarif, garderie, regie):
    tarif_for(garderie, regie, unit="half_hour", prices=("0.50", "0.70", "0.90"))
    other_parent = f.ResponsableFactory(famille=world.famille, nom="BERNARD")
    garderie.inscriptions.update(responsable=other_parent)
    cells(world.enfant, cantine, school_days(OCT)[:2])
    cells(world.enfant, garderie, school_days(OCT)[:2])
    run = issue(regie)
    payers = set(Facture.objects.filter(run=run).values_list("responsable_id", flat=True))
    assert payers == {world.alice.pk, other_parent.pk}
    numbers = sorted(Facture.objects.filter(run=run).values_list("number", flat=True))
    assert numbers == ["CHA-2026-000001", "CHA-2026-000002"]


def test_re_running_a_month_bills_only_what_was_not_billed(world, famille_qf, cantine, cantine_tarif, regie):
    days = school_days(OCT)
    cells(world.enfant, cantine, days[:5])
    issue(regie)
    assert invoice_run_preview(regie=regie, month=OCT).invoices == []
    second = issue(regie)
    assert second.invoice_count == 0 and not Facture.objects.filter(run=second).exists()
    cells(world.enfant, cantine, days[5:7], CellState.OUT_OF_CONTRACT)  # pointed late
    third = issue(regie)
    facture = Facture.objects.get(run=third)
    (line,) = facture.lines.all()
    assert (line.quantity, line.amount, line.is_regularisation) == (2, Decimal("10.00"), False)
    assert facture.number == "CHA-2026-000002"


def test_a_late_change_becomes_a_regularisation_on_the_next_run(world, famille_qf, cantine, cantine_tarif, regie):
    oct_days = school_days(OCT)
    cells(world.enfant, cantine, oct_days[:10])
    issue(regie)
    # An agent turns two Réservé into Absent excusé after October was billed.
    Cell.objects.filter(enfant=world.enfant, date__in=oct_days[:2]).update(state=CellState.ABSENCE_EXCUSED)
    nov = dt.date(2026, 11, 1)
    cells(world.enfant, cantine, school_days(nov)[:4])
    run = issue(regie, month=nov, now=dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC))
    facture = Facture.objects.get(run=run)
    lines = list(facture.lines.order_by("position"))
    regular = [ln for ln in lines if not ln.is_regularisation]
    regul = [ln for ln in lines if ln.is_regularisation]
    assert [(ln.quantity, ln.amount) for ln in regular] == [(4, Decimal("12.80"))]
    assert [(ln.quantity, ln.amount) for ln in regul] == [(-2, Decimal("-6.40"))]
    assert "régularisation octobre 2026" in regul[0].label and "annulé" in regul[0].label
    assert facture.total == Decimal("6.40")
    # Nothing billed twice afterwards: the next run of either month is empty.
    assert invoice_run_preview(regie=regie, month=nov).invoices == []


def test_a_credit_only_regularisation_is_issued_as_a_credit_note(world, famille_qf, cantine, cantine_tarif, regie):
    oct_days = school_days(OCT)
    cells(world.enfant, cantine, oct_days[:3])
    issue(regie)
    Cell.objects.filter(enfant=world.enfant, date=oct_days[0]).delete()  # set back to free by an agent
    run = issue(regie, month=dt.date(2026, 11, 1), now=dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC))
    note = Facture.objects.get(run=run)
    assert note.kind == Facture.Kind.CREDIT_NOTE and note.total == Decimal("3.20")


def test_absence_pending_waits_for_the_decision_then_is_regularised(world, famille_qf, cantine, cantine_tarif, regie):
    oct_days = school_days(OCT)
    cells(world.enfant, cantine, oct_days[:2])
    cells(world.enfant, cantine, oct_days[2:3], CellState.ABSENCE_PENDING)
    first = Facture.objects.get(run=issue(regie))
    assert first.total == Decimal("6.40")
    Cell.objects.filter(date=oct_days[2]).update(state=CellState.ABSENCE_BILLED)
    run = issue(regie, month=dt.date(2026, 11, 1), now=dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC))
    (line,) = Facture.objects.get(run=run).lines.all()
    assert line.is_regularisation and line.amount == Decimal("3.20") and "Absent facturé" in line.label


def test_a_dst_month_counts_its_days_and_hours_in_local_time(world, cantine, cantine_tarif, garderie, regie):
    """October 2026 ends with the change to winter time (Sunday 25th): every local day of
    the month is billed once, half-hours come from local clock times, and an issue at
    23:30 UTC on the 31st is dated 1st November in Paris."""
    tarif_for(garderie, regie, unit="half_hour", prices=("0.80", "0.80", "0.80"))
    days = school_days(OCT, "01234")
    assert dt.date(2026, 10, 26) in days and dt.date(2026, 10, 30) in days
    cells(world.enfant, garderie, days, CellState.PRESENT, arrival=dt.time(7, 30), departure=dt.time(8, 30))
    run = issue(regie, now=dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC))
    facture = Facture.objects.get(run=run)
    (line,) = facture.lines.all()
    assert line.days == len(days) == 22
    assert line.quantity == 2 * 22
    assert facture.issued_on == dt.date(2026, 11, 1)
    assert facture.total == Decimal("35.20")


def test_sibling_reduction_goes_by_age_among_the_enrolled_children(world, cantine, regie):
    tarif_for(cantine, regie, prices=("3.00", "3.00", "3.00"), sibling_reductions={"2": "10"})
    younger = f.EnfantFactory(famille=world.famille, prenom="Cadet", birth_date=dt.date(2020, 1, 1))
    f.InscriptionFactory(enfant=younger, service=cantine, school_year=world.school_year, responsable=world.alice)
    cells(world.enfant, cantine, school_days(OCT)[:2])
    cells(younger, cantine, school_days(OCT)[:2])
    (draft,) = invoice_run_preview(regie=regie, month=OCT).invoices
    prices = {ln.enfant_id: ln.unit_price for ln in draft.lines}
    assert prices == {world.enfant.pk: Decimal("3.00"), younger.pk: Decimal("2.70")}


def test_a_service_without_tarif_blocks_the_issue(world, cantine, regie):
    from marelle.billing.models import ServiceBilling

    ServiceBilling.objects.create(service=cantine, regie=regie)
    cells(world.enfant, cantine, school_days(OCT)[:2])
    with pytest.raises(BillingError, match="Aucun tarif"):
        issue(regie)
    assert not Facture.objects.exists() and not InvoiceRun.objects.exists()


def test_a_coming_month_cannot_be_issued(regie):
    with pytest.raises(BillingError):
        issue(regie, month=dt.date(2026, 12, 1))


def test_other_regies_services_are_not_billed(world, famille_qf, cantine, cantine_tarif, regie):
    from tests.billing.factories import RegieFactory

    other = RegieFactory(commune=world.commune)
    service = f.ServiceFactory(etablissement=world.etablissement, name="ÉTUDE")
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    tarif_for(service, other)
    cells(world.enfant, service, school_days(OCT)[:2])
    cells(world.enfant, cantine, school_days(OCT)[:1])
    (draft,) = invoice_run_preview(regie=regie, month=OCT).invoices
    assert [ln.service_name for ln in draft.lines] == ["RESTAURATION"]


def _run_queries(world, n: int, *, with_pdf: bool) -> int:
    """A régie of its own with `n` families (2 children each, on two services), issued once."""
    from tests.billing.factories import RegieFactory

    regie = RegieFactory(commune=world.commune)
    services = [f.ServiceFactory(etablissement=world.etablissement) for _ in range(2)]
    for service in services:
        tarif_for(service, regie, sibling_reductions={"2": "10"})
    for _ in range(n):
        fam = f.FamilleFactory(commune=world.commune, quotient_familial=500)
        payers = [f.ResponsableFactory(famille=fam) for _ in range(2)]
        for _k in range(2):
            child = f.EnfantFactory(famille=fam, etablissement=world.etablissement)
            for service, payer in zip(services, payers, strict=True):
                f.InscriptionFactory(enfant=child, service=service, school_year=world.school_year, responsable=payer)
                cells(child, service, school_days(OCT)[:4])
    with CaptureQueriesContext(connection) as queries:
        run = issue(regie, with_pdf=with_pdf)
    assert run.invoice_count == 2 * n
    return len(queries)


@pytest.mark.parametrize("with_pdf", [False, True])
def test_queries_per_run_do_not_grow_with_families(world, with_pdf):
    assert _run_queries(world, 6, with_pdf=with_pdf) == _run_queries(world, 2, with_pdf=with_pdf)


def test_lines_and_billed_cells_match(world, famille_qf, cantine, cantine_tarif, regie):
    cells(world.enfant, cantine, school_days(OCT)[:6])
    run = issue(regie)
    line = FactureLine.objects.get(facture__run=run)
    assert line.cells.count() == 6 and line.day_from == school_days(OCT)[0] and line.day_to == school_days(OCT)[5]


@time_machine.travel(NOV_5)
def test_issue_uses_the_clock_when_no_now_is_given(world, famille_qf, cantine, cantine_tarif, regie):
    cells(world.enfant, cantine, school_days(OCT)[:1])
    run = invoice_run_issue(regie=regie, month=OCT, actor=None)
    assert Facture.objects.get(run=run).issued_on == dt.date(2026, 11, 5)
