"""The deadline engine: the guide's examples, daylight-saving weekends, month and year ends,
working days, and properties that must hold for every rule (hypothesis)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone, translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from marelle.planning.deadlines import (
    CALENDAR_DAYS,
    GUIDE_RULE,
    HOURS_BEFORE,
    PARIS,
    WEEKDAY_PREVIOUS_WEEK,
    WORKING_DAYS,
    Rule,
    cutoff_for,
    describe_rule,
    format_cutoff,
    is_in_time,
)
from marelle.planning.models import DeadlineRule

UTC = dt.UTC
SECOND = dt.timedelta(seconds=1)
MINUTE = dt.timedelta(minutes=1)

SPRING_2027 = dt.date(2027, 3, 28)  # last Sunday of March: 02:00 CET → 03:00 CEST
AUTUMN_2026 = dt.date(2026, 10, 25)  # last Sunday of October: 03:00 CEST → 02:00 CET
AUTUMN_2027 = dt.date(2027, 10, 31)
EASTER_MONDAY_2027 = dt.date(2027, 3, 29)
ARMISTICE_2026 = dt.date(2026, 11, 11)  # a Wednesday
MAY_DAY_2028 = dt.date(2028, 5, 1)  # a Monday


def paris(*args: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS, fold=fold)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def same_instant(a: dt.datetime, b: dt.datetime) -> bool:
    return a.astimezone(UTC) == b.astimezone(UTC)


def working(days: int, at: dt.time = dt.time(23, 59)) -> Rule:
    return Rule(kind=WORKING_DAYS, days=days, at_time=at)


def hours_before(hours: int) -> Rule:
    return Rule(kind=HOURS_BEFORE, hours=hours)


# --- the guide ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 12, 7), dt.date(2026, 12, 5)),  # lundi → samedi
        (dt.date(2026, 12, 8), dt.date(2026, 12, 6)),  # mardi → dimanche
        (dt.date(2026, 12, 9), dt.date(2026, 12, 7)),  # mercredi → lundi
        (dt.date(2026, 12, 10), dt.date(2026, 12, 8)),  # jeudi → mardi
        (dt.date(2026, 12, 11), dt.date(2026, 12, 9)),  # vendredi → mercredi
    ],
)
def test_guide_rule_is_two_days_before_at_2359(day, expected):
    cutoff = cutoff_for(GUIDE_RULE, day, service_start=dt.time(7, 30))
    assert cutoff == paris(expected.year, expected.month, expected.day, 23, 59)
    assert cutoff.tzinfo is PARIS


def test_avant_23h59_means_2359_is_in_time_and_midnight_is_late():
    cutoff = cutoff_for(GUIDE_RULE, dt.date(2026, 12, 7))  # samedi 5 décembre 23:59
    assert is_in_time(paris(2026, 12, 5, 23, 59, 0), cutoff)
    assert is_in_time(paris(2026, 12, 5, 23, 59, 59), cutoff)
    assert is_in_time(paris(2026, 12, 5, 23, 59, 59) + dt.timedelta(microseconds=999_999), cutoff)
    assert not is_in_time(paris(2026, 12, 6, 0, 0, 0), cutoff)
    # the same instants given in UTC
    assert is_in_time(utc(2026, 12, 5, 22, 59, 59), cutoff)
    assert not is_in_time(utc(2026, 12, 5, 23, 0, 0), cutoff)


def test_format_cutoff_reads_like_the_cell_help_text():
    cutoff = cutoff_for(GUIDE_RULE, dt.date(2026, 12, 7))
    with translation.override("fr"):
        assert format_cutoff(cutoff) == "samedi 5 décembre à 23:59"
        assert format_cutoff(cutoff.astimezone(UTC)) == "samedi 5 décembre à 23:59"


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        is_in_time(dt.datetime(2026, 12, 5, 12, 0), cutoff_for(GUIDE_RULE, dt.date(2026, 12, 7)))


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        cutoff_for(Rule(kind="moon_phase"), dt.date(2026, 12, 7))
    with pytest.raises(ValueError, match="unknown"):
        describe_rule(Rule(kind="moon_phase"))


def test_a_deadline_rule_row_is_evaluated_like_a_plain_rule():
    row = DeadlineRule(kind=DeadlineRule.Kind.WORKING_DAYS, days=1, at_time=dt.time(12, 0))
    day = dt.date(2026, 12, 7)
    assert cutoff_for(row, day) == cutoff_for(working(1, dt.time(12, 0)), day) == paris(2026, 12, 4, 12, 0)
    assert str(row) == describe_rule(row)


# --- daylight-saving weekends ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "day", "expected_local", "expected_utc"),
    [
        # cut-off on the Sunday of the change: that evening is already summer / winter time
        (GUIDE_RULE, dt.date(2027, 3, 30), paris(2027, 3, 28, 23, 59), utc(2027, 3, 28, 21, 59)),
        (GUIDE_RULE, dt.date(2026, 10, 27), paris(2026, 10, 25, 23, 59), utc(2026, 10, 25, 22, 59)),
        (GUIDE_RULE, dt.date(2027, 11, 2), paris(2027, 10, 31, 23, 59), utc(2027, 10, 31, 22, 59)),
        # across the change: Saturday before is still on the old offset
        (GUIDE_RULE, dt.date(2027, 3, 29), paris(2027, 3, 27, 23, 59), utc(2027, 3, 27, 22, 59)),
        (GUIDE_RULE, dt.date(2026, 10, 26), paris(2026, 10, 24, 23, 59), utc(2026, 10, 24, 21, 59)),
        (Rule(days=1), dt.date(2027, 3, 29), paris(2027, 3, 28, 23, 59), utc(2027, 3, 28, 21, 59)),
        (Rule(days=7, at_time=dt.time(12, 0)), dt.date(2027, 4, 2), paris(2027, 3, 26, 12, 0), utc(2027, 3, 26, 11, 0)),
        (
            Rule(days=7, at_time=dt.time(12, 0)),
            dt.date(2027, 11, 5),
            paris(2027, 10, 29, 12, 0),
            utc(2027, 10, 29, 10, 0),
        ),
    ],
)
def test_calendar_day_cutoffs_keep_their_wall_clock_time_across_dst(rule, day, expected_local, expected_utc):
    cutoff = cutoff_for(rule, day)
    assert cutoff == expected_local
    assert cutoff.astimezone(UTC) == expected_utc
    assert (cutoff.hour, cutoff.minute) == (rule.at_time.hour, rule.at_time.minute)


@pytest.mark.parametrize(
    ("day", "hours", "expected_local"),
    [
        # Monday 29 March 2027, service at 07:30 CEST; the Sunday night was 23 hours long
        (dt.date(2027, 3, 29), 24, paris(2027, 3, 28, 7, 29)),
        (dt.date(2027, 3, 29), 48, paris(2027, 3, 27, 6, 29)),
        (dt.date(2027, 3, 28), 12, paris(2027, 3, 27, 18, 29)),  # 07:30 CEST on the day itself
        # Monday 26 October 2026, service at 07:30 CET; the Sunday night was 25 hours long
        (dt.date(2026, 10, 26), 24, paris(2026, 10, 25, 7, 29)),
        (dt.date(2026, 10, 26), 48, paris(2026, 10, 24, 8, 29)),
        (dt.date(2027, 10, 31), 12, paris(2027, 10, 30, 20, 29)),
    ],
)
def test_hours_before_counts_real_hours_across_dst(day, hours, expected_local):
    start = dt.time(7, 30)
    cutoff = cutoff_for(hours_before(hours), day, service_start=start)
    assert cutoff == expected_local
    service_start = dt.datetime.combine(day, start, tzinfo=PARIS)
    assert service_start.astimezone(UTC) - (cutoff.astimezone(UTC) + MINUTE) == dt.timedelta(hours=hours)


def test_a_cutoff_time_skipped_in_spring_is_the_last_minute_before_the_jump():
    # 02:30 does not exist on 28 March 2027: the clock goes from 01:59:59 CET to 03:00 CEST,
    # and from 03:00 on it reads later than 02:30.
    cutoff = cutoff_for(Rule(days=2, at_time=dt.time(2, 30)), dt.date(2027, 3, 30))
    assert cutoff == paris(2027, 3, 28, 1, 59)
    assert is_in_time(paris(2027, 3, 28, 1, 59, 59), cutoff)
    assert not is_in_time(paris(2027, 3, 28, 3, 0), cutoff)
    assert not is_in_time(utc(2027, 3, 28, 1, 0), cutoff)


def test_an_ambiguous_autumn_cutoff_is_its_first_occurrence():
    # 02:30 happens twice on 31 October 2027; the first (CEST) is the stricter one.
    cutoff = cutoff_for(Rule(days=2, at_time=dt.time(2, 30)), dt.date(2027, 11, 2))
    assert cutoff.astimezone(UTC) == utc(2027, 10, 31, 0, 30)
    assert is_in_time(utc(2027, 10, 31, 0, 30, 59), cutoff)
    assert not is_in_time(utc(2027, 10, 31, 0, 31), cutoff)


def test_the_repeated_autumn_hour_does_not_reopen_a_cell_when_now_is_local():
    # Regression: Paris datetimes used to be compared by wall clock, so 02:15 on the second
    # pass (01:15 UTC) looked earlier than a 02:30 cut-off on the first pass (00:30 UTC).
    cutoff = cutoff_for(Rule(days=2, at_time=dt.time(2, 30)), dt.date(2026, 10, 27))
    second_pass = paris(2026, 10, 25, 2, 15, fold=1)
    assert second_pass.astimezone(UTC) == utc(2026, 10, 25, 1, 15)
    assert not is_in_time(second_pass, cutoff)
    assert not is_in_time(paris(2026, 10, 25, 2, 0, fold=1), cutoff)
    assert is_in_time(paris(2026, 10, 25, 2, 15, fold=0), cutoff)


def test_hours_before_never_returns_a_time_that_does_not_exist():
    # Regression: a wall-clock "minus one minute" landed in the spring gap (02:59) and,
    # in autumn, an hour too early. A service at 03:00 is odd, but the answer must stay right.
    spring = cutoff_for(hours_before(24), dt.date(2027, 3, 29), service_start=dt.time(3, 0))
    assert spring.astimezone(UTC) == utc(2027, 3, 28, 0, 59)
    assert spring == spring.astimezone(UTC).astimezone(PARIS)
    autumn = cutoff_for(hours_before(24), dt.date(2026, 10, 26), service_start=dt.time(2, 0))
    assert autumn.astimezone(UTC) == utc(2026, 10, 25, 0, 59)


def test_a_service_starting_in_the_spring_gap_starts_at_the_jump():
    cutoff = cutoff_for(hours_before(0), SPRING_2027, service_start=dt.time(2, 30))
    assert cutoff.astimezone(UTC) == utc(2027, 3, 28, 0, 59)


# --- month and year ends --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "day", "expected"),
    [
        (GUIDE_RULE, dt.date(2027, 1, 1), paris(2026, 12, 30, 23, 59)),
        (GUIDE_RULE, dt.date(2027, 1, 2), paris(2026, 12, 31, 23, 59)),
        (GUIDE_RULE, dt.date(2027, 3, 1), paris(2027, 2, 27, 23, 59)),
        (GUIDE_RULE, dt.date(2028, 3, 1), paris(2028, 2, 28, 23, 59)),
        (GUIDE_RULE, dt.date(2028, 3, 2), paris(2028, 2, 29, 23, 59)),  # leap year
        (Rule(days=10, at_time=dt.time(18, 0)), dt.date(2027, 1, 4), paris(2026, 12, 25, 18, 0)),
        (working(1), dt.date(2027, 1, 4), paris(2026, 12, 31, 23, 59)),  # Monday → Thursday, 1 January skipped
        (working(2), dt.date(2027, 1, 4), paris(2026, 12, 30, 23, 59)),
        (Rule(kind=WEEKDAY_PREVIOUS_WEEK, weekday=1), dt.date(2027, 1, 1), paris(2026, 12, 22, 23, 59)),
        (Rule(kind=WEEKDAY_PREVIOUS_WEEK, weekday=1), dt.date(2028, 3, 1), paris(2028, 2, 22, 23, 59)),
        (hours_before(24), dt.date(2027, 1, 1), paris(2026, 12, 31, 7, 29)),
    ],
)
def test_cutoffs_cross_month_and_year_ends(rule, day, expected):
    assert cutoff_for(rule, day, service_start=dt.time(7, 30), holidays={dt.date(2027, 1, 1)}) == expected


# --- working days and weekday of the previous week ------------------------------------------


@pytest.mark.parametrize(
    ("rule", "day", "holidays", "expected"),
    [
        (working(1), dt.date(2026, 12, 7), (), paris(2026, 12, 4, 23, 59)),  # Monday → Friday
        (working(2), dt.date(2026, 12, 7), (), paris(2026, 12, 3, 23, 59)),
        (working(2), dt.date(2026, 12, 9), (), paris(2026, 12, 7, 23, 59)),
        # Easter Monday 2027 (and the spring change the day before)
        (working(1), dt.date(2027, 3, 30), {EASTER_MONDAY_2027}, paris(2027, 3, 26, 23, 59)),
        (working(2), dt.date(2027, 3, 31), {EASTER_MONDAY_2027}, paris(2027, 3, 26, 23, 59)),
        (working(2), dt.date(2027, 3, 30), {EASTER_MONDAY_2027}, paris(2027, 3, 25, 23, 59)),
        # 11 November 2026 is a Wednesday
        (working(2), dt.date(2026, 11, 13), {ARMISTICE_2026}, paris(2026, 11, 10, 23, 59)),
        (working(1), dt.date(2026, 11, 12), {ARMISTICE_2026}, paris(2026, 11, 10, 23, 59)),
        # 1 May 2028 is a Monday
        (working(2), dt.date(2028, 5, 3), {MAY_DAY_2028}, paris(2028, 4, 28, 23, 59)),
        (working(1, dt.time(10, 0)), dt.date(2028, 5, 2), {MAY_DAY_2028}, paris(2028, 4, 28, 10, 0)),
        # a holiday on a weekend changes nothing
        (working(1), dt.date(2027, 5, 3), {dt.date(2027, 5, 1)}, paris(2027, 4, 30, 23, 59)),
    ],
)
def test_working_days_skip_weekends_and_public_holidays(rule, day, holidays, expected):
    assert cutoff_for(rule, day, service_start=dt.time(11, 45), holidays=holidays) == expected


@pytest.mark.parametrize("day", [dt.date(2026, 12, 7) + dt.timedelta(days=i) for i in range(7)])
def test_tuesday_of_the_previous_week_covers_the_whole_next_week(day):
    rule = Rule(kind=WEEKDAY_PREVIOUS_WEEK, weekday=1, at_time=dt.time(23, 59))
    assert cutoff_for(rule, day, service_start=dt.time(7, 30)) == paris(2026, 12, 1, 23, 59)


def test_weekday_previous_week_accepts_sunday_and_refuses_nonsense():
    assert cutoff_for(Rule(kind=WEEKDAY_PREVIOUS_WEEK, weekday=6), dt.date(2026, 12, 9)) == paris(2026, 12, 6, 23, 59)
    with pytest.raises(ValueError, match="weekday"):
        cutoff_for(Rule(kind=WEEKDAY_PREVIOUS_WEEK, weekday=7), dt.date(2026, 12, 9))


# --- clamping: the cut-off is always before the service starts ------------------------------


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        (Rule(days=0), dt.time(11, 45), paris(2026, 12, 7, 11, 44)),
        (Rule(days=0), dt.time(0, 0), paris(2026, 12, 6, 23, 59)),
        (Rule(days=0, at_time=dt.time(9, 0)), dt.time(11, 45), paris(2026, 12, 7, 9, 0)),
        (working(0, dt.time(23, 59)), dt.time(7, 30), paris(2026, 12, 7, 7, 29)),
        (hours_before(0), dt.time(16, 30), paris(2026, 12, 7, 16, 29)),
    ],
)
def test_a_rule_reaching_past_the_service_start_is_clamped_to_the_minute_before(rule, start, expected):
    assert cutoff_for(rule, dt.date(2026, 12, 7), service_start=start) == expected


def test_without_a_service_start_the_day_starts_at_midnight():
    assert cutoff_for(Rule(days=0), dt.date(2026, 12, 7)) == paris(2026, 12, 6, 23, 59)
    assert cutoff_for(hours_before(3), dt.date(2026, 12, 7)) == paris(2026, 12, 6, 20, 59)


# --- describe_rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (GUIDE_RULE, "2 jours avant jusqu'à 23:59"),
        (Rule(days=1, at_time=dt.time(18, 0)), "la veille jusqu'à 18:00"),
        (Rule(days=0, at_time=dt.time(9, 30)), "le jour même jusqu'à 09:30, et au plus tard avant le début du service"),
        (
            working(1, dt.time(12, 0)),
            "1 jour ouvré avant jusqu'à 12:00 (sans compter les week-ends et les jours fériés)",
        ),
        (working(3), "3 jours ouvrés avant jusqu'à 23:59 (sans compter les week-ends et les jours fériés)"),
        (Rule(kind=WEEKDAY_PREVIOUS_WEEK, weekday=1), "le mardi de la semaine précédente jusqu'à 23:59"),
        (
            Rule(kind=WEEKDAY_PREVIOUS_WEEK, weekday=4, at_time=dt.time(12, 0)),
            "le vendredi de la semaine précédente jusqu'à 12:00",
        ),
        (hours_before(1), "jusqu'à 1 heure avant le début du service"),
        (hours_before(48), "jusqu'à 48 heures avant le début du service"),
        (hours_before(0), "jusqu'au début du service"),
    ],
)
def test_describe_rule_speaks_plain_french(rule, text):
    with translation.override("fr"):
        assert describe_rule(rule) == text


# --- time-machine: a frozen clock gives the same answers as a passed `now` ------------------


@pytest.mark.parametrize(
    "instant",
    [
        paris(2026, 12, 5, 23, 58, 59),
        paris(2026, 12, 5, 23, 59, 59),
        paris(2026, 12, 6, 0, 0, 0),
        paris(2026, 12, 6, 0, 0, 1),
    ],
)
def test_a_frozen_clock_agrees_with_a_passed_now(instant):
    cutoff = cutoff_for(GUIDE_RULE, dt.date(2026, 12, 7))
    with time_machine.travel(instant, tick=False):
        assert timezone.now() == instant
        assert is_in_time(timezone.now(), cutoff) == is_in_time(instant, cutoff)
        assert is_in_time(timezone.localtime(), cutoff) == is_in_time(instant, cutoff)
    assert is_in_time(instant, cutoff) == (instant < paris(2026, 12, 6))


def test_a_frozen_clock_through_the_repeated_autumn_hour_never_reopens():
    cutoff = cutoff_for(Rule(days=2, at_time=dt.time(2, 30)), dt.date(2027, 11, 2))
    answers = []
    for minutes in range(0, 180, 5):  # 00:00 UTC → 03:00 UTC, i.e. 02:00 CEST → 04:00 CET
        with time_machine.travel(utc(2027, 10, 31) + dt.timedelta(minutes=minutes), tick=False):
            answers.append(is_in_time(timezone.localtime(), cutoff))
    assert answers == sorted(answers, reverse=True)  # True… then False for good
    assert answers[0] and not answers[-1]


# --- properties ---------------------------------------------------------------------------

DAYS = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2031, 12, 31))
# Times on the minute; includes the DST gap and the repeated hour.
MINUTES = st.builds(dt.time, st.integers(0, 23), st.integers(0, 59))


@st.composite
def rules(draw) -> Rule:
    kind = draw(st.sampled_from([CALENDAR_DAYS, WORKING_DAYS, WEEKDAY_PREVIOUS_WEEK, HOURS_BEFORE]))
    return Rule(
        kind=kind,
        days=draw(st.integers(0, 10)),
        at_time=draw(MINUTES),
        weekday=draw(st.integers(0, 6)),
        hours=draw(st.integers(0, 240)),
    )


@st.composite
def holiday_sets(draw, around: dt.date) -> frozenset[dt.date]:
    offsets = draw(st.sets(st.integers(-30, 0), max_size=6))
    return frozenset(around + dt.timedelta(days=o) for o in offsets)


def earliest_start(day: dt.date, start: dt.time) -> dt.datetime:
    """The service start, with both readings of an ambiguous or skipped time taken into account."""
    return min(dt.datetime.combine(day, start, tzinfo=PARIS).replace(fold=f).astimezone(UTC) for f in (0, 1))


@settings(max_examples=400, deadline=None)
@given(rule=rules(), day=DAYS, start=MINUTES, data=st.data())
def test_the_cutoff_is_always_before_the_service_starts(rule, day, start, data):
    holidays = data.draw(holiday_sets(day))
    cutoff = cutoff_for(rule, day, service_start=start, holidays=holidays)
    assert cutoff.tzinfo is PARIS
    assert (cutoff.second, cutoff.microsecond) == (0, 0)
    assert cutoff == cutoff.astimezone(UTC).astimezone(PARIS)  # an existing local time
    window_end = cutoff.astimezone(UTC) + MINUTE
    assert window_end <= earliest_start(day, start)
    assert not is_in_time(earliest_start(day, start), cutoff)
    # and always before the day itself when the service starts at midnight
    assert not is_in_time(dt.datetime.combine(day, dt.time(0, 0), tzinfo=PARIS), cutoff_for(rule, day))


@settings(max_examples=400, deadline=None)
@given(
    rule=rules(),
    day=DAYS,
    start=MINUTES,
    offsets=st.lists(st.integers(-3 * 86400, 3 * 86400), min_size=2, max_size=8),
    local=st.booleans(),
)
def test_moving_the_clock_forward_never_reopens_a_cell(rule, day, start, offsets, local):
    cutoff = cutoff_for(rule, day, service_start=start)
    base = cutoff.astimezone(UTC)
    instants = sorted(base + dt.timedelta(seconds=s) for s in offsets)
    if local:  # as the views would pass timezone.localtime(): folds and all
        instants = [i.astimezone(PARIS) for i in instants]
    answers = [is_in_time(i, cutoff) for i in instants]
    assert answers == sorted(answers, reverse=True)
    assert is_in_time(cutoff, cutoff)
    assert is_in_time(base + MINUTE - SECOND, cutoff)
    assert not is_in_time(base + MINUTE, cutoff)


@settings(max_examples=300, deadline=None)
@given(rule=rules(), day=DAYS, start=MINUTES)
def test_a_later_day_never_has_an_earlier_cutoff(rule, day, start):
    holidays = {EASTER_MONDAY_2027, ARMISTICE_2026, MAY_DAY_2028, day - dt.timedelta(days=3)}
    today = cutoff_for(rule, day, service_start=start, holidays=holidays)
    tomorrow = cutoff_for(rule, day + dt.timedelta(days=1), service_start=start, holidays=holidays)
    assert today.astimezone(UTC) <= tomorrow.astimezone(UTC)


@settings(max_examples=300, deadline=None)
@given(days=st.integers(1, 10), at=MINUTES, day=DAYS)
def test_calendar_days_land_on_the_right_day_at_the_right_time(days, at, day):
    naive = dt.datetime.combine(day - dt.timedelta(days=days), at)
    exists = naive.replace(tzinfo=PARIS).astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) == naive
    assume(exists)
    cutoff = cutoff_for(Rule(days=days, at_time=at), day, service_start=dt.time(0, 0))
    assert cutoff.replace(tzinfo=None) == naive


@settings(max_examples=200, deadline=None)
@given(hours=st.integers(1, 240), day=DAYS, start=st.builds(dt.time, st.integers(4, 22), st.integers(0, 59)))
def test_hours_before_is_exactly_that_many_real_hours(hours, day, start):
    cutoff = cutoff_for(hours_before(hours), day, service_start=start)
    service_start = dt.datetime.combine(day, start, tzinfo=PARIS).astimezone(UTC)
    assert service_start - (cutoff.astimezone(UTC) + MINUTE) == dt.timedelta(hours=hours)
