import datetime as dt
from decimal import Decimal

from marelle.billing.models import Facture
from marelle.billing.selectors import balance_on, statement, unpaid_invoices
from tests.billing.factories import FactureFactory, PaymentFactory


def test_balance_is_payments_minus_invoices_up_to_the_day(world):
    fam = world.famille
    FactureFactory(famille=fam, responsable=world.alice, total=Decimal("86.40"), issued_on=dt.date(2026, 10, 5))
    FactureFactory(famille=fam, responsable=world.alice, total=Decimal("12.10"), issued_on=dt.date(2026, 12, 5))
    PaymentFactory(famille=fam, amount=Decimal("40.00"), received_on=dt.date(2026, 10, 20))
    assert balance_on(fam, dt.date(2026, 10, 4)) == Decimal("0.00")
    assert balance_on(fam, dt.date(2026, 10, 10)) == Decimal("-86.40")
    assert balance_on(fam, dt.date(2026, 11, 29)) == Decimal("-46.40")
    assert balance_on(fam, dt.date(2026, 12, 31)) == Decimal("-58.50")


def test_cancelled_invoices_do_not_count(world):
    FactureFactory(famille=world.famille, responsable=world.alice, status=Facture.Status.CANCELLED)
    assert balance_on(world.famille, dt.date(2027, 1, 1)) == Decimal("0.00")
    assert list(unpaid_invoices(world.famille)) == []


def test_unpaid_invoices_show_what_remains_and_skip_fully_paid(world):
    partly = FactureFactory(famille=world.famille, responsable=world.alice, total=Decimal("86.40"))
    paid = FactureFactory(famille=world.famille, responsable=world.alice, total=Decimal("20.00"))
    PaymentFactory(famille=world.famille, facture=partly, amount=Decimal("40.00"))
    PaymentFactory(famille=world.famille, facture=paid, amount=Decimal("20.00"))
    FactureFactory(famille=world.other_famille, responsable=world.bob)
    result = list(unpaid_invoices(world.famille))
    assert [f.pk for f in result] == [partly.pk]
    assert result[0].remaining == Decimal("46.40")


def test_statement_keeps_a_running_balance_in_date_order(world):
    FactureFactory(
        famille=world.famille, responsable=world.alice, total=Decimal("30.00"), issued_on=dt.date(2026, 10, 1)
    )
    PaymentFactory(famille=world.famille, amount=Decimal("30.00"), received_on=dt.date(2026, 10, 15))
    FactureFactory(
        famille=world.famille, responsable=world.alice, total=Decimal("12.50"), issued_on=dt.date(2026, 11, 1)
    )
    lines = statement(world.famille)
    assert [line.balance for line in lines] == [Decimal("-30.00"), Decimal("0.00"), Decimal("-12.50")]
