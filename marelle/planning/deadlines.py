"""Deadline rules as pure functions: a rule and a day in, an aware cut-off out.

A cut-off is the last minute, in Europe/Paris local time, at which a request about the
day is still in time: "avant 23h59" means 23:59 is in time and 00:00 the next day is late.
Nothing here reads the clock or the database; callers pass `now` and the holidays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marelle.core.dates import day_format

PARIS = ZoneInfo("Europe/Paris")
ONE_MINUTE = dt.timedelta(minutes=1)

CALENDAR_DAYS = "calendar_days"
WORKING_DAYS = "working_days"
WEEKDAY_PREVIOUS_WEEK = "weekday_previous_week"
HOURS_BEFORE = "hours_before"

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


class RuleLike(Protocol):
    kind: str
    days: int
    at_time: dt.time
    weekday: int
    hours: int


@dataclass(frozen=True)
class Rule:
    """A plain rule, for callers and tests that have no DeadlineRule row."""

    kind: str = CALENDAR_DAYS
    days: int = 2
    at_time: dt.time = dt.time(23, 59)
    weekday: int = 1
    hours: int = 24


GUIDE_RULE = Rule()  # the 2014 guide: two days before, at 23:59


def _exists(naive: dt.datetime) -> bool:
    """False for a local time skipped by the spring change (e.g. 02:30 on 28 March 2027)."""
    aware = naive.replace(tzinfo=PARIS)
    return aware.astimezone(dt.UTC).astimezone(PARIS).replace(tzinfo=None) == naive


def _normalised(aware: dt.datetime) -> dt.datetime:
    return aware.astimezone(dt.UTC).astimezone(PARIS)


def _last_minute_reading(day: dt.date, at: dt.time) -> dt.datetime:
    """The cut-off minute for "on `day` at `at`": the last minute the local clock reads at most `at`.

    An ambiguous autumn time is taken at its first occurrence (fold=0), the earlier and stricter
    one, so that the repeated hour never re-opens a cell. A time skipped in spring gives the last
    minute before the jump (01:59): from 03:00 on, the clock reads later than `at`.
    """
    naive = dt.datetime.combine(day, at).replace(second=0, microsecond=0)
    while not _exists(naive):
        naive -= ONE_MINUTE
    return _normalised(naive.replace(tzinfo=PARIS))


def _service_start(day: dt.date, at: dt.time) -> dt.datetime:
    """When a service starting at `at` starts on `day` (a skipped time: the instant of the jump)."""
    naive = dt.datetime.combine(day, at)
    if _exists(naive):
        return _normalised(naive.replace(tzinfo=PARIS))
    return _normalised(_last_minute_reading(day, at).astimezone(dt.UTC) + ONE_MINUTE)


def _last_whole_minute_before(limit: dt.datetime) -> dt.datetime:
    """The last minute that ends at or before `limit`, so that its whole window precedes it."""
    # Real elapsed time in UTC: wall-clock arithmetic on a Paris datetime is wrong across a change.
    latest = (limit.astimezone(dt.UTC) - ONE_MINUTE).replace(second=0, microsecond=0)
    return latest.astimezone(PARIS)


def cutoff_for(
    rule: RuleLike,
    day: dt.date,
    *,
    service_start: dt.time = dt.time(0, 0),
    holidays: Collection[dt.date] = (),
) -> dt.datetime:
    """The last local minute at which a request about `day` is in time.

    The cut-off is always strictly before the service starts on `day`: a rule that would put it
    later (e.g. "0 days before at 23:59") is clamped to the minute before the start. Without a
    `service_start`, the day is taken to start at midnight.
    """
    start = _service_start(day, service_start)
    latest = _last_whole_minute_before(start)
    if rule.kind == CALENDAR_DAYS:
        cutoff = _last_minute_reading(day - dt.timedelta(days=rule.days), rule.at_time)
    elif rule.kind == WORKING_DAYS:
        current = day
        remaining = rule.days
        while remaining > 0:
            current -= dt.timedelta(days=1)
            if current.weekday() < 5 and current not in holidays:
                remaining -= 1
        cutoff = _last_minute_reading(current, rule.at_time)
    elif rule.kind == WEEKDAY_PREVIOUS_WEEK:
        if not 0 <= rule.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {rule.weekday!r}")
        monday = day - dt.timedelta(days=day.weekday())
        cutoff = _last_minute_reading(monday - dt.timedelta(days=7 - rule.weekday), rule.at_time)
    elif rule.kind == HOURS_BEFORE:
        # Real elapsed hours, so that a DST night is 23 or 25 hours long.
        cutoff = _last_whole_minute_before(start.astimezone(dt.UTC) - dt.timedelta(hours=rule.hours))
    else:
        raise ValueError(f"unknown deadline rule kind: {rule.kind!r}")
    return min(cutoff, latest, key=lambda moment: moment.astimezone(dt.UTC))


def is_in_time(now: dt.datetime, cutoff: dt.datetime) -> bool:
    """In time until the end of the cut-off minute.

    Compared in UTC: two Paris datetimes are otherwise compared by their wall clocks, and in the
    repeated autumn hour 02:15 (second pass) would look earlier than a 02:30 (first pass) cut-off.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    end = cutoff.astimezone(dt.UTC).replace(second=0, microsecond=0) + ONE_MINUTE
    return now.astimezone(dt.UTC) < end


def format_cutoff(cutoff: dt.datetime) -> str:
    """'samedi 5 décembre à 23:59' (local time)."""
    local = cutoff.astimezone(PARIS)
    return _("%(day)s à %(time)s") % {"day": day_format(local.date(), "l j F"), "time": local.strftime("%H:%M")}


def describe_rule(rule: RuleLike) -> str:
    """The rule in plain French, for the admin and the parents' help text.

    "jusqu'à 23:59" rather than the guide's "avant 23h59": the minute itself is in time.
    """
    at = rule.at_time.strftime("%H:%M")
    if rule.kind in (CALENDAR_DAYS, WORKING_DAYS) and rule.days == 0:
        return _("le jour même jusqu'à %(at)s, et au plus tard avant le début du service") % {"at": at}
    if rule.kind == CALENDAR_DAYS:
        if rule.days == 1:
            return _("la veille jusqu'à %(at)s") % {"at": at}
        return _("%(n)d jours avant jusqu'à %(at)s") % {"n": rule.days, "at": at}
    if rule.kind == WORKING_DAYS:
        return ngettext(
            "%(n)d jour ouvré avant jusqu'à %(at)s (sans compter les week-ends et les jours fériés)",
            "%(n)d jours ouvrés avant jusqu'à %(at)s (sans compter les week-ends et les jours fériés)",
            rule.days,
        ) % {"n": rule.days, "at": at}
    if rule.kind == WEEKDAY_PREVIOUS_WEEK:
        return _("le %(weekday)s de la semaine précédente jusqu'à %(at)s") % {
            "weekday": _(WEEKDAYS[rule.weekday]),
            "at": at,
        }
    if rule.kind == HOURS_BEFORE:
        if rule.hours == 0:
            return _("jusqu'au début du service")
        return ngettext(
            "jusqu'à %(n)d heure avant le début du service",
            "jusqu'à %(n)d heures avant le début du service",
            rule.hours,
        ) % {"n": rule.hours}
    raise ValueError(f"unknown deadline rule kind: {rule.kind!r}")
