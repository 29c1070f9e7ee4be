from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from marelle.core.dates import parse_date
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


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form, under the field it names (else at the top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)
