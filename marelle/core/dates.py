"""Dates and months read from requests, within a sane range; long dates as French writes them.

Python's dates go from year 1 to 9999, but a planning computed around either end overflows
(OverflowError) or walks millennia of holidays; nothing in Marelle happens outside these years.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

MIN_YEAR = 2000
MAX_YEAR = 2100
MIN_DATE = dt.date(MIN_YEAR, 1, 1)
MAX_DATE = dt.date(MAX_YEAR, 12, 31)


def in_range(day: dt.date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def out_of_range_message() -> str:
    """What a service says of a date outside MIN_DATE..MAX_DATE (BoundedDateField says the same)."""
    return _("Choisissez une date entre le %(min)s et le %(max)s.") % {
        "min": date_format(MIN_DATE, "SHORT_DATE_FORMAT"),
        "max": date_format(MAX_DATE, "SHORT_DATE_FORMAT"),
    }


def out_of_range(*days: dt.date | None) -> bool:
    """True if any of the given dates (None ignored) lies outside MIN_DATE..MAX_DATE."""
    return any(day is not None and not in_range(day) for day in days)


def parse_month(value: str | None) -> dt.date | None:
    """'2026-12' → 1 December 2026; None for anything else, including years outside the range."""
    parts = (value or "").split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        return None
    year, month = int(parts[0]), int(parts[1])
    if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12:
        return dt.date(year, month, 1)
    return None


def parse_date(value: str | None) -> dt.date | None:
    """'2026-12-07' → that day; None for anything else, including days outside the range."""
    try:
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if in_range(day) else None


_FRENCH_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_FIRST_OF_MONTH = re.compile(rf"(?<!\d)1 (?=(?:{_FRENCH_MONTHS})\b)")


def day_format(value, fmt: str = "l j F Y") -> str:
    """`date_format` in the current language, with French's "1er" for the first of the month
    ("mardi 1er décembre 2026"; English stays "Tuesday 1 December 2026")."""
    if not value:
        return ""
    return _day_format(value, str(fmt), get_language() or "")


@lru_cache(maxsize=8192)
def _day_format(value, fmt: str, language: str) -> str:
    # Django's localised formatting costs about 30 µs; a planning page asks for the same 31
    # days on every request. `language` is the active one, part of the key.
    text = date_format(value, fmt)
    if language.startswith("fr"):
        text = _FIRST_OF_MONTH.sub("1er ", text)
    return text
