"""The price rules, pure: a tarif, a QF, a sibling rank, a cell's state and times in →
a quantity, a unit price and the sentence that explains it ("QF 620 → tranche 2 : 3,20 €").

The invoicing run, its preview and the planning's price preview all call `price_cell`, so
that what a parent is shown is what the invoice says. Money is Decimal; an amount is
rounded once, per invoice line (`round_amount`), never per cell.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from marelle.billing.formatting import money
from marelle.planning.models import CellState

CENT = Decimal("0.01")
ZERO = Decimal("0")
HALF_HOUR = 30  # minutes

# docs/domain.md#billing: billable: booked / present, billed absence, hors contrat (its own price).
BILLABLE_STATES = frozenset({CellState.BOOKED, CellState.PRESENT, CellState.ABSENCE_BILLED, CellState.OUT_OF_CONTRACT})
# Not billable: excused absence, refused, closed, waiting list, pending, parental leave.
# Not billable *yet*: an absence waiting for an agent and an attendance error; once
# decided or fixed, the next run bills them (as a regularisation if the month was billed).
NOT_YET_BILLABLE = frozenset({CellState.ABSENCE_PENDING, CellState.ERROR})


def round_amount(value: Decimal) -> Decimal:
    """Once per line: half-up, to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Bracket:
    """A TarifTranche, or any object with qf_min, qf_max and price."""

    qf_min: int
    qf_max: int | None
    price: Decimal


@dataclass(frozen=True)
class PriceRules:
    """What the engine needs of a Tarif, detached from the database."""

    unit: str  # Tarif.Unit value
    brackets: tuple[Bracket, ...]  # sorted by qf_min
    out_of_contract_price: Decimal | None = None
    absence_billed_price: Decimal | None = None
    sibling_reductions: tuple[tuple[int, Decimal], ...] = ()  # (from rank, % off), ascending

    @classmethod
    def from_tarif(cls, tarif, tranches: Sequence | None = None) -> PriceRules:
        rows = tranches if tranches is not None else list(tarif.tranches.all())
        brackets = tuple(sorted((Bracket(t.qf_min, t.qf_max, Decimal(t.price)) for t in rows), key=lambda b: b.qf_min))
        reductions = tuple(
            sorted((int(rank), Decimal(str(pct))) for rank, pct in (tarif.sibling_reductions or {}).items())
        )
        return cls(
            unit=tarif.unit,
            brackets=brackets,
            out_of_contract_price=tarif.out_of_contract_price,
            absence_billed_price=tarif.absence_billed_price,
            sibling_reductions=reductions,
        )


def qf_on(famille, day: dt.date) -> int | None:
    """The family's quotient familial if it is valid on `day`, else None (→ the top bracket)."""
    qf = famille.quotient_familial
    if qf is None:
        return None
    if famille.qf_valid_from and day < famille.qf_valid_from:
        return None
    if famille.qf_valid_until and day > famille.qf_valid_until:
        return None
    return qf


def bracket_for(brackets: Sequence[Bracket], qf: int | None) -> tuple[int, Bracket]:
    """(1-based index, bracket) holding `qf`; no QF, or one beyond every bracket → the top one."""
    if not brackets:
        raise ValueError("a tarif needs at least one bracket")
    if qf is not None:
        for index, bracket in enumerate(brackets, start=1):
            if bracket.qf_min <= qf and (bracket.qf_max is None or qf <= bracket.qf_max):
                return index, bracket
    return len(brackets), brackets[-1]


def sibling_reduction(rules: PriceRules, rank: int) -> Decimal:
    """The % off for the child of this rank (1 = eldest enrolled): the highest rule ≤ rank."""
    pct = ZERO
    for from_rank, value in rules.sibling_reductions:
        if rank >= from_rank:
            pct = value
    return pct


def half_hours(start: dt.time, end: dt.time) -> int:
    """Started half-hours between two local clock times (07:40 → 08:30 is 2)."""
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes <= 0:
        return 0
    return math.ceil(minutes / HALF_HOUR)


def cell_quantity(
    unit: str,
    state: str,
    *,
    service_start: dt.time,
    service_end: dt.time,
    arrival: dt.time | None = None,
    departure: dt.time | None = None,
) -> Decimal:
    """Units billed for one cell: 1 per day/meal/slot; per started half-hour from the
    attendance times, or the service's hours when they were not taken (a booked day not
    yet pointed, a billed absence)."""
    if unit != "half_hour":
        return Decimal(1)
    if state in (CellState.PRESENT, CellState.OUT_OF_CONTRACT) and arrival and departure:
        return Decimal(max(1, half_hours(arrival, departure)))
    return Decimal(max(1, half_hours(service_start, service_end)))


@dataclass(frozen=True)
class CellPrice:
    quantity: Decimal
    unit_price: Decimal  # before rounding: a reduced price may have four decimals
    explanation: str

    @property
    def amount(self) -> Decimal:
        """Unrounded: lines sum their cells, then round once."""
        return self.quantity * self.unit_price


def _ordinal(rank: int) -> str:
    return _("%(rank)se enfant") % {"rank": rank}


def unit_price(rules: PriceRules, *, qf: int | None, rank: int, state: str) -> tuple[Decimal, str]:
    """The price of one unit in this state, and how it was found."""
    index, bracket = bracket_for(rules.brackets, qf)
    per = _(" la demi-heure") if rules.unit == "half_hour" else ""
    if state == CellState.OUT_OF_CONTRACT and rules.out_of_contract_price is not None:
        price = Decimal(rules.out_of_contract_price)
        text = _("Hors contrat régulier : %(price)s%(per)s") % {"price": money(price), "per": per}
    elif state == CellState.ABSENCE_BILLED and rules.absence_billed_price is not None:
        price = Decimal(rules.absence_billed_price)
        text = _("Absence facturée : %(price)s%(per)s") % {"price": money(price), "per": per}
    else:
        price = bracket.price
        who = _("QF %(qf)s") % {"qf": qf} if qf is not None else _("QF non fourni")
        text = _("%(who)s → tranche %(index)s : %(price)s%(per)s") % {
            "who": who,
            "index": index,
            "price": money(price),
            "per": per,
        }
    pct = sibling_reduction(rules, rank)
    if pct:
        price = price * (100 - pct) / 100
        text += _(" ; %(ordinal)s −%(pct)s %% : %(price)s") % {
            "ordinal": _ordinal(rank),
            "pct": _pct(pct),
            "price": money(price),
        }
    return price, text


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def price_cell(
    rules: PriceRules,
    *,
    qf: int | None,
    rank: int,
    state: str,
    service_start: dt.time,
    service_end: dt.time,
    arrival: dt.time | None = None,
    departure: dt.time | None = None,
) -> CellPrice | None:
    """None when the state is not billable (nothing to invoice for that cell)."""
    if state not in BILLABLE_STATES:
        return None
    price, text = unit_price(rules, qf=qf, rank=rank, state=state)
    quantity = cell_quantity(
        rules.unit, state, service_start=service_start, service_end=service_end, arrival=arrival, departure=departure
    )
    return CellPrice(quantity=quantity, unit_price=price, explanation=text)
