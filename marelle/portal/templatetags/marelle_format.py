"""French display of money and dates, independent of the active locale's number format."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from marelle.core.dates import day_format

register = template.Library()

NBSP = "\u202f"  # narrow no-break space, the French thousands separator


@register.filter
def euros(value: Decimal | int | None) -> str:
    """Decimal("1234.5") → "1 234,50 €" in French, "€1,234.50" in English."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    if (get_language() or "fr").startswith("en"):
        return f"{sign}€{int(units):,}.{cents}"
    grouped = f"{int(units):,}".replace(",", NBSP)
    return f"{sign}{grouped},{cents}\u00a0€"


@register.filter
def long_date(value: dt.date | None) -> str:
    """ "dimanche 29 novembre 2026" (the guide's "Solde au lundi 3 novembre 2014")."""
    if not value:
        return ""
    return day_format(value, "l j F Y")


@register.filter
def day(value, fmt: str = "l j F Y") -> str:
    """Like |date, with French's "1er" for the first of the month."""
    return day_format(value, fmt)


@register.filter
def break_after_slash(value: str) -> SafeString:
    """ "Information/Documents" may wrap after its slash (a narrow side box) instead of being cut."""
    return mark_safe(escape(value).replace("/", "/<wbr>"))  # noqa: S308 - escaped first
