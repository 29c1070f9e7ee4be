from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from marelle.planning.rules import local_today


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return local_today(now())


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


def safe_next(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return default


def school_days(start: dt.date, n: int) -> list[dt.date]:
    """`start` (if a weekday) and the following weekdays, n in all."""
    days, day = [], start
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days
