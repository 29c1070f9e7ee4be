"""Calendars: day types, and imports of French public and school holidays as Closure rows.

Holidays are imported from the `holidays` and `vacances-scolaires-france` data, not typed by
hand. Each import is idempotent: a re-import updates the
rows it created earlier and creates none twice. One Closure per holiday period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import holidays
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from vacances_scolaires_france import SchoolHolidayDates

from marelle.audit.services import log_action
from marelle.territory.models import DEFAULT_DAY_TYPES, Closure, Commune, DayType, SchoolYear

DAY_TYPES = DEFAULT_DAY_TYPES  # stored in French, shown translated (models.day_type_label)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str


def ensure_day_types(commune: Commune) -> dict[str, DayType]:
    """The guide's two letters F and P, created once per commune."""
    result = {}
    for code, (label, colour) in DAY_TYPES.items():
        result[code], _created = DayType.objects.get_or_create(
            commune=commune, code=code, defaults={"label": label, "colour": colour}
        )
    return result


def public_holiday_periods(school_year: SchoolYear) -> list[Period]:
    years = range(school_year.start_date.year, school_year.end_date.year + 1)
    days = holidays.France(years=years, language="fr")
    return [Period(day, day, str(name)) for day, name in sorted(days.items()) if school_year.contains(day)]


def school_holiday_periods(school_year: SchoolYear, zone: str) -> list[Period]:
    """Consecutive days with the same holiday name, clipped to the school year."""
    dates = SchoolHolidayDates()
    days: dict[dt.date, str] = {}
    for year in range(school_year.start_date.year, school_year.end_date.year + 1):
        for day, info in dates.holidays_for_year_and_zone(year, zone).items():
            if school_year.contains(day):
                days[day] = info["nom_vacances"]
    periods: list[Period] = []
    for day in sorted(days):
        last = periods[-1] if periods else None
        if last and last.label == days[day] and last.end + dt.timedelta(days=1) == day:
            periods[-1] = Period(last.start, day, last.label)
        else:
            periods.append(Period(day, day, days[day]))
    return periods


def _save_periods(
    *, commune: Commune, school_year: SchoolYear, periods: list[Period], day_type: DayType, source: str
) -> tuple[int, int]:
    """Upsert by (commune, source, label, start within the year); returns (created, updated)."""
    existing = {
        (c.label, c.start_date): c
        for c in Closure.objects.filter(
            commune=commune,
            etablissement=None,
            source=source,
            start_date__gte=school_year.start_date,
            start_date__lte=school_year.end_date,
        )
    }
    created = updated = 0
    for period in periods:
        closure = existing.get((period.label, period.start))
        if closure is None:
            Closure.objects.create(
                commune=commune,
                day_type=day_type,
                start_date=period.start,
                end_date=period.end,
                label=period.label,
                source=source,
            )
            created += 1
        elif closure.end_date != period.end or closure.day_type_id != day_type.pk:
            closure.end_date = period.end
            closure.day_type = day_type
            closure.save(update_fields=["end_date", "day_type"])
            updated += 1
    return created, updated


@transaction.atomic
def import_public_holidays(*, commune: Commune, school_year: SchoolYear) -> tuple[int, int]:
    """Jours fériés of the school year as F closures (one per day)."""
    day_type = ensure_day_types(commune)["F"]
    return _save_periods(
        commune=commune,
        school_year=school_year,
        periods=public_holiday_periods(school_year),
        day_type=day_type,
        source=Closure.Source.PUBLIC_HOLIDAYS,
    )


@transaction.atomic
def import_school_holidays(*, commune: Commune, school_year: SchoolYear) -> tuple[int, int]:
    """School holidays of the commune's zone as P closures (one per holiday period)."""
    zone = commune.school_holiday_zone.upper()
    if zone not in SchoolHolidayDates.SUPPORTED_ZONES:
        raise ValueError(_("Zone de vacances scolaires inconnue : %(zone)s") % {"zone": zone})
    day_type = ensure_day_types(commune)["P"]
    return _save_periods(
        commune=commune,
        school_year=school_year,
        periods=school_holiday_periods(school_year, zone),
        day_type=day_type,
        source=Closure.Source.SCHOOL_HOLIDAYS,
    )


@dataclass(frozen=True)
class CalendarImport:
    created: int
    updated: int
    cells_closed: int


def calendar_import(
    *,
    actor,
    commune: Commune,
    school_year: SchoolYear,
    public: bool,
    close_days: Callable[[Closure], int] | None = None,
) -> CalendarImport:
    """Import the public (or the zone's school) holidays of a school year, audited on the
    commune. `close_days` is what the planning does with each imported closure (close the
    booked days: `planning.services.calendar_import` passes `closure_apply`), run in the
    same transaction so that an import and its consequences stand or fall together."""
    with transaction.atomic():
        if public:
            created, updated = import_public_holidays(commune=commune, school_year=school_year)
            source, action = Closure.Source.PUBLIC_HOLIDAYS, "calendar.public_holidays_imported"
        else:
            created, updated = import_school_holidays(commune=commune, school_year=school_year)
            source, action = Closure.Source.SCHOOL_HOLIDAYS, "calendar.school_holidays_imported"
        closed = 0
        if close_days is not None:
            for closure in Closure.objects.filter(
                commune=commune,
                source=source,
                start_date__gte=school_year.start_date,
                start_date__lte=school_year.end_date,
            ):
                closed += close_days(closure)
        log_action(
            obj=commune,
            action=action,
            actor=actor,
            data={
                "year": school_year.label,
                "school_year": school_year.pk,
                "created": created,
                "updated": updated,
                "cells_closed": closed,
            },
        )
    return CalendarImport(created=created, updated=updated, cells_closed=closed)


def day_type_create(*, actor, commune: Commune, code: str, label: str, colour: str) -> DayType:
    """A new kind of day for the commune's calendar; its letter is unique in the commune
    (ValidationError on `code` otherwise). Audited on the commune."""
    code = code.strip()
    taken = ValidationError({"code": _("Cette lettre existe déjà.")})
    if DayType.objects.filter(commune=commune, code=code).exists():
        raise taken
    day_type = DayType(commune=commune, code=code, label=label.strip(), colour=colour)
    day_type.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            day_type.save()
            log_action(
                obj=commune,
                action="daytype.created",
                actor=actor,
                data={"day_type": day_type.pk, "code": day_type.code, "label": day_type.label},
            )
    except IntegrityError:  # the same letter saved at the same moment
        raise taken from None
    return day_type
