from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from marelle.core.dates import parse_date
from marelle.core.errors import add_service_errors, flash_service_errors  # noqa: F401 - re-exported to the views
from marelle.core.redirects import safe_next  # noqa: F401 - re-exported to the views
from marelle.planning.rules import local_today


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return local_today(now())


def parse_day(value: str) -> dt.date:
    day = parse_date(value)
    if day is None:
        raise Http404
    return day


def school_days(start: dt.date, n: int) -> list[dt.date]:
    """`start` (if a weekday) and the following weekdays, n in all."""
    days, day = [], start
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days
