"""Amounts and months as they are printed on invoices and shown with prices."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import get_language

NBSP = "\u00a0"
NNBSP = "\u202f"


def money(value: Decimal | int | None, *, places: int = 2) -> str:
    """Decimal("1234.5") → "1 234,50 €"; a unit price keeps up to four decimals when it has them
    ("2,6775 €"), so that count × unit price is the amount printed."""
    if value is None:
        return ""
    value = Decimal(value)
    if places == 2 and value != value.quantize(Decimal("0.01")):
        places = 4
    quantum = Decimal(1).scaleb(-places)
    amount = value.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    units, decimals = f"{abs(amount):.{places}f}".split(".")
    if places > 2:
        decimals = decimals.rstrip("0").ljust(2, "0")
    if (get_language() or "fr").startswith("en"):
        return f"{sign}€{int(units):,}.{decimals}"
    grouped = f"{int(units):,}".replace(",", NBSP)
    return f"{sign}{grouped},{decimals}{NBSP}€"


def quantity(value: Decimal) -> str:
    value = Decimal(value)
    text = f"{value.normalize():f}" if value != value.to_integral() else str(int(value))
    return text if (get_language() or "fr").startswith("en") else text.replace(".", ",")


def month_label(month: dt.date) -> str:
    """ "octobre 2026"."""
    return formats.date_format(month, "F Y")


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)
