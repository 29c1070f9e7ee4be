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

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def _local(day: dt.date, at: dt.time) -> dt.datetime:
    # fold=0: an ambiguous autumn time is taken at its first occurrence, the earlier, stricter one.
    naive = dt.datetime.combine(day, at)
    aware = naive.replace(tzinfo=PARIS)
    # A time that does not exist (spring change) is normalised forward by a UTC round trip.
    return aware.astimezone(dt.UTC).astimezone(PARIS)


def cutoff_for(
    rule: RuleLike,
    day: dt.date,
    *,
    service_start: dt.time = dt.time(0, 0),
    holidays: Collection[dt.date] = (),
) -> dt.datetime:
    """The last local minute at which a request about `day` is in time."""
    if rule.kind == CALENDAR_DAYS:
        return _local(day - dt.timedelta(days=rule.days), rule.at_time)
    if rule.kind == WORKING_DAYS:
        current = day
        remaining = rule.days
        while remaining > 0:
            current -= dt.timedelta(days=1)
            if current.weekday() < 5 and current not in holidays:
                remaining -= 1
        return _local(current, rule.at_time)
    if rule.kind == WEEKDAY_PREVIOUS_WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        return _local(monday - dt.timedelta(days=7 - rule.weekday), rule.at_time)
    if rule.kind == HOURS_BEFORE:
        start = _local(day, service_start)
        # Real elapsed hours, counted in UTC so that a DST night is 23 or 25 hours long.
        cutoff = (start.astimezone(dt.UTC) - dt.timedelta(hours=rule.hours)).astimezone(PARIS)
        # The last whole minute strictly before the limit.
        return (
            (cutoff - ONE_MINUTE).replace(second=0, microsecond=0)
            if cutoff.second or cutoff.microsecond
            else cutoff - ONE_MINUTE
        )
    raise ValueError(f"unknown deadline rule kind: {rule.kind!r}")


def is_in_time(now: dt.datetime, cutoff: dt.datetime) -> bool:
    """In time while the local clock reads at most the cut-off minute."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now < cutoff.replace(second=0, microsecond=0) + ONE_MINUTE


def format_cutoff(cutoff: dt.datetime) -> str:
    """'samedi 5 décembre à 23:59' (local time)."""
    local = cutoff.astimezone(PARIS)
    return _("%(day)s à %(time)s") % {"day": date_format(local.date(), "l j F"), "time": local.strftime("%H:%M")}


def describe_rule(rule: RuleLike) -> str:
    """The rule in plain French, for the admin and the parents' help text."""
    at = rule.at_time.strftime("%H:%M")
    if rule.kind == CALENDAR_DAYS:
        return ngettext("%(n)d jour avant, avant %(at)s", "%(n)d jours avant, avant %(at)s", rule.days) % {
            "n": rule.days,
            "at": at,
        }
    if rule.kind == WORKING_DAYS:
        return ngettext(
            "%(n)d jour ouvré avant (hors week-ends et jours fériés), avant %(at)s",
            "%(n)d jours ouvrés avant (hors week-ends et jours fériés), avant %(at)s",
            rule.days,
        ) % {"n": rule.days, "at": at}
    if rule.kind == WEEKDAY_PREVIOUS_WEEK:
        return _("le %(weekday)s de la semaine précédente, avant %(at)s") % {
            "weekday": _(WEEKDAYS[rule.weekday]),
            "at": at,
        }
    if rule.kind == HOURS_BEFORE:
        return ngettext(
            "%(n)d heure avant le début du service", "%(n)d heures avant le début du service", rule.hours
        ) % {"n": rule.hours}
    raise ValueError(f"unknown deadline rule kind: {rule.kind!r}")
