"""Payments recorded at the town hall: allocated oldest first unless the agent picks, an
overpayment stays credit and pays the next invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from marelle.audit.models import LogEntry
from marelle.billing.models import Facture, Payment, PaymentAllocation
from marelle.billing.services.payments import apply_credit, credit_of, open_invoices, payment_record, remaining_of
from tests import factories as f
from tests.billing.payments_setup import make_facture, make_regie

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 2)


@pytest.fixture
def regie(world):
    return make_regie(world.commune)


@pytest.fixture
def three(world, regie):
    """Three invoices, deliberately created newest first."""
    december = make_facture(world.alice, regie, "30.00", issued_on=dt.date(2026, 12, 1))
    october = make_facture(world.alice, regie, "10.00", issued_on=dt.date(2026, 10, 1))
    november = make_facture(world.alice, regie, "20.00", issued_on=dt.date(2026, 11, 2))
    return october, november, december


def record(world, regie, amount, **kwargs):
    kwargs.setdefault("method", Payment.Method.CHEQUE)
    return payment_record(
        famille=world.famille,
        regie=regie,
        amount=Decimal(amount),
        received_on=DAY,
        actor=world.agent.user,
        now=NOW,
        **kwargs,
    )


def allocations(payment):
    return {a.facture.number: a.amount for a in payment.allocations.select_related("facture")}


def test_allocated_oldest_first(world, regie, three):
    october, november, december = three
    payment = record(world, regie, "25.00", note="Chèque n° 1234567")
    assert allocations(payment) == {october.number: Decimal("10.00"), november.number: Decimal("15.00")}
    assert Facture.objects.get(pk=october.pk).status == Facture.Status.PAID
    assert Facture.objects.get(pk=november.pk).status == Facture.Status.ISSUED
    assert remaining_of(november) == Decimal("5.00")
    assert remaining_of(december) == Decimal("30.00")
    entry = LogEntry.objects.get(action="payment.received")
    assert entry.data["allocations"] == {october.number: "10.00", november.number: "15.00"}
    assert payment.note == "Chèque n° 1234567"


def test_the_agent_picks_the_invoices(world, regie, three):
    october, november, december = three
    payment = record(world, regie, "30.00", factures=[december], method=Payment.Method.CESU)
    assert allocations(payment) == {december.number: Decimal("30.00")}
    assert remaining_of(october) == Decimal("10.00")


def test_an_overpayment_stays_credit_and_pays_the_next_invoice(world, regie, three):
    october, november, december = three
    payment = record(world, regie, "75.00", method=Payment.Method.CASH)
    assert sum(allocations(payment).values()) == Decimal("60.00")
    assert credit_of(famille=world.famille, regie=regie) == Decimal("15.00")
    assert not open_invoices(famille=world.famille).exists()
    # Next month's invoice is issued: the run applies the credit.
    january = make_facture(world.alice, regie, "40.00", issued_on=dt.date(2027, 1, 4))
    assert apply_credit(facture=january) == Decimal("15.00")
    assert remaining_of(january) == Decimal("25.00")
    assert credit_of(famille=world.famille, regie=regie) == Decimal("0.00")
    assert apply_credit(facture=january) == Decimal("0.00")  # nothing left: idempotent


def test_credit_is_kept_per_regie_and_per_payer(world, regie):
    record(world, regie, "50.00", method=Payment.Method.TRANSFER, responsable=world.alice)
    other_regie = make_regie(world.commune)
    elsewhere = make_facture(world.alice, other_regie, "20.00")
    assert apply_credit(facture=elsewhere) == Decimal("0.00")
    other_parent = f.ResponsableFactory(famille=world.famille)
    theirs = make_facture(other_parent, regie, "20.00")
    assert apply_credit(facture=theirs) == Decimal("0.00")
    mine = make_facture(world.alice, regie, "20.00")
    assert apply_credit(facture=mine) == Decimal("20.00")


def test_a_credit_note_reduces_what_remains(world, regie):
    facture = make_facture(world.alice, regie, "30.00")
    Facture.objects.create(
        famille=world.famille,
        responsable=world.alice,
        regie=regie,
        number="AV-1",
        issued_on=DAY,
        due_on=DAY,
        total=Decimal("12.00"),
        kind=Facture.Kind.CREDIT_NOTE,
        credit_of=facture,
    )
    payment = record(world, regie, "18.00")
    assert allocations(payment) == {facture.number: Decimal("18.00")}
    assert Facture.objects.get(pk=facture.pk).status == Facture.Status.PAID


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "10.005"}, "amount"),
        ({"amount": "10.00", "method": Payment.Method.CARD}, "method"),
    ],
)
def test_bad_input_records_nothing(world, regie, three, kwargs, field):
    amount = kwargs.pop("amount")
    with pytest.raises(ValidationError) as exc:
        record(world, regie, amount, **kwargs)
    assert field in exc.value.message_dict
    assert not Payment.objects.exists()


def test_another_familys_or_regies_invoice_cannot_be_picked(world, regie, three):
    bob_regie = make_regie(world.other_commune)
    bobs = make_facture(world.bob, bob_regie, "10.00")
    with pytest.raises(ValidationError):
        record(world, regie, "10.00", factures=[bobs])
    with pytest.raises(ValidationError):  # a régie of another commune
        record(world, bob_regie, "10.00")
    assert not PaymentAllocation.objects.exists()


def test_an_invoice_already_paid_cannot_be_picked(world, regie, three):
    october = three[0]
    record(world, regie, "10.00", factures=[october])
    with pytest.raises(ValidationError) as exc:
        record(world, regie, "10.00", factures=[october])
    assert "Déjà réglées" in str(exc.value)
    assert Payment.objects.count() == 1
