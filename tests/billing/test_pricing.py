"""The price rules, without the database: brackets, states, half-hours, siblings, rounding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from marelle.billing.pricing import (
    BILLABLE_STATES,
    Bracket,
    PriceRules,
    bracket_for,
    half_hours,
    price_cell,
    qf_on,
    round_amount,
)
from marelle.planning.models import CellState

BRACKETS = (
    Bracket(0, 400, Decimal("2.10")),
    Bracket(401, 800, Decimal("3.20")),
    Bracket(801, None, Decimal("4.10")),
)
DAY = PriceRules(unit="day", brackets=BRACKETS, out_of_contract_price=Decimal("5.00"))
T = dict(service_start=dt.time(11, 45), service_end=dt.time(13, 30))


@pytest.mark.parametrize(
    ("qf", "price", "index"),
    [
        (0, "2.10", 1),
        (400, "2.10", 1),
        (401, "3.20", 2),
        (620, "3.20", 2),
        (800, "3.20", 2),
        (801, "4.10", 3),
        (5000, "4.10", 3),
    ],
)
def test_each_qf_bracket_has_its_price(qf, price, index):
    assert bracket_for(BRACKETS, qf) == (index, BRACKETS[index - 1])
    cell = price_cell(DAY, qf=qf, rank=1, state=CellState.BOOKED, **T)
    assert cell.unit_price == Decimal(price)
    assert cell.explanation.startswith(f"QF {qf} → tranche {index} : ")


def test_explanation_reads_like_the_invoice():
    cell = price_cell(DAY, qf=620, rank=1, state=CellState.PRESENT, **T)
    assert cell.explanation == "QF 620 → tranche 2 : 3,20\u00a0€"


def test_no_qf_takes_the_top_bracket():
    cell = price_cell(DAY, qf=None, rank=1, state=CellState.BOOKED, **T)
    assert cell.unit_price == Decimal("4.10")
    assert cell.explanation == "QF non fourni → tranche 3 : 4,10\u00a0€"


def test_qf_valid_on_the_day_billed_only():
    famille = SimpleNamespace(
        quotient_familial=620, qf_valid_from=dt.date(2026, 9, 1), qf_valid_until=dt.date(2026, 12, 31)
    )
    assert qf_on(famille, dt.date(2026, 12, 31)) == 620
    assert qf_on(famille, dt.date(2027, 1, 4)) is None  # expired → top bracket
    assert qf_on(famille, dt.date(2026, 8, 31)) is None
    assert (
        qf_on(SimpleNamespace(quotient_familial=None, qf_valid_from=None, qf_valid_until=None), dt.date.today()) is None
    )


@pytest.mark.parametrize("state", [CellState.BOOKED, CellState.PRESENT, CellState.ABSENCE_BILLED])
def test_billable_states_cost_the_bracket_price(state):
    assert price_cell(DAY, qf=620, rank=1, state=state, **T).amount == Decimal("3.20")


def test_out_of_contract_has_its_own_price():
    cell = price_cell(DAY, qf=620, rank=1, state=CellState.OUT_OF_CONTRACT, **T)
    assert cell.unit_price == Decimal("5.00")
    assert "Hors contrat" in cell.explanation


def test_billed_absence_may_have_its_own_price():
    rules = PriceRules(unit="day", brackets=BRACKETS, absence_billed_price=Decimal("1.50"))
    assert price_cell(rules, qf=620, rank=1, state=CellState.ABSENCE_BILLED, **T).unit_price == Decimal("1.50")


@pytest.mark.parametrize(
    "state",
    [
        CellState.ABSENCE_EXCUSED,
        CellState.REFUSED,
        CellState.CLOSED,
        CellState.WAITING,
        CellState.PENDING,
        CellState.ABSENCE_PENDING,
        CellState.PARENTAL_LEAVE,
        CellState.ERROR,
        "free",
    ],
)
def test_non_billable_states_cost_nothing(state):
    assert state not in BILLABLE_STATES
    assert price_cell(DAY, qf=620, rank=1, state=state, **T) is None


def test_half_hours_are_started_half_hours():
    assert half_hours(dt.time(7, 30), dt.time(8, 0)) == 1
    assert half_hours(dt.time(7, 30), dt.time(8, 1)) == 2
    assert half_hours(dt.time(7, 40), dt.time(8, 30)) == 2
    assert half_hours(dt.time(16, 30), dt.time(18, 29)) == 4
    assert half_hours(dt.time(8, 0), dt.time(8, 0)) == 0


def test_half_hour_unit_bills_attendance_times_or_the_service_hours():
    rules = PriceRules(unit="half_hour", brackets=(Bracket(0, None, Decimal("0.80")),))
    times = dict(service_start=dt.time(16, 30), service_end=dt.time(18, 30))
    present = price_cell(
        rules, qf=None, rank=1, state=CellState.PRESENT, arrival=dt.time(16, 30), departure=dt.time(17, 35), **times
    )
    assert present.quantity == 3 and present.amount == Decimal("2.40")
    assert "la demi-heure" in present.explanation
    booked = price_cell(rules, qf=None, rank=1, state=CellState.BOOKED, **times)
    assert booked.quantity == 4  # not pointed yet: the service's two hours
    very_short = price_cell(
        rules, qf=None, rank=1, state=CellState.PRESENT, arrival=dt.time(17, 0), departure=dt.time(17, 5), **times
    )
    assert very_short.quantity == 1


def test_sibling_reduction_by_rank():
    rules = PriceRules(unit="day", brackets=BRACKETS, sibling_reductions=((2, Decimal("10")), (3, Decimal("25"))))
    first = price_cell(rules, qf=620, rank=1, state=CellState.BOOKED, **T)
    second = price_cell(rules, qf=620, rank=2, state=CellState.BOOKED, **T)
    fourth = price_cell(rules, qf=620, rank=4, state=CellState.BOOKED, **T)
    assert first.unit_price == Decimal("3.20")
    assert second.unit_price == Decimal("2.88")
    assert fourth.unit_price == Decimal("2.40")
    assert "2e enfant −10 % : 2,88" in second.explanation


def test_amount_is_rounded_once_per_line_half_up():
    rules = PriceRules(
        unit="day", brackets=(Bracket(0, None, Decimal("3.15")),), sibling_reductions=((2, Decimal("15")),)
    )
    cell = price_cell(rules, qf=None, rank=2, state=CellState.BOOKED, **T)
    assert cell.unit_price == Decimal("2.6775")
    # 12 days: 32.13 (rounding each day first would give 12 × 2.68 = 32.16)
    assert round_amount(12 * cell.amount) == Decimal("32.13")
    assert round_amount(Decimal("0.125")) == Decimal("0.13")
