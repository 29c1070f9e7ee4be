"""Contrats réguliers: the weekdays a child normally attends, turned into bookings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marelle.audit.services import log_action
from marelle.core.dates import day_format
from marelle.families.models import Enfant
from marelle.planning.context import ENFANT_RELATED, load_child_context
from marelle.planning.models import (
    FREE,
    Cell,
    CellChange,
    CellState,
    ContratRegulier,
    parse_weekdays,
)
from marelle.planning.services.common import (
    PlanningError,
    promote_waiting_list,
    write_cell_state,
)


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _check_within(inscription, *days: dt.date) -> None:
    """PlanningError unless every day lies within the enrolment's period."""
    if any(not (inscription.start_date <= day <= inscription.end_date) for day in days):
        raise PlanningError(
            _("Choisissez une date comprise dans l'inscription (du %(start)s au %(end)s).")
            % {
                "start": day_format(inscription.start_date, "j F Y"),
                "end": day_format(inscription.end_date, "j F Y"),
            },
            code="range",
        )


def contrat_apply(*, actor, contrat: ContratRegulier, now: dt.datetime, from_date: dt.date | None = None) -> int:
    """Book the contract's weekdays over its period (from `from_date` on), skipping closed
    days and days that already have a state. Returns the number of days booked."""
    inscription = contrat.inscription
    enfant = Enfant.objects.select_related(*ENFANT_RELATED).get(pk=inscription.enfant_id)
    first = max(contrat.start_date, inscription.start_date, from_date or contrat.start_date)
    last = min(contrat.end_date, inscription.end_date)
    if first > last:
        return 0
    weekdays = parse_weekdays(contrat.weekdays)
    with transaction.atomic():
        ctx = load_child_context(enfant, first, last, service_ids={inscription.service_id}, lock_cells=True)
        service = ctx.service(inscription.service_id)
        if service is None:
            return 0
        new = [
            day
            for day in _days(first, last)
            if day.weekday() in weekdays
            and service.is_open_on(day)
            and ctx.cell(service, day) is None
            and ctx.closure_on(service, day) is None
        ]
        Cell.objects.bulk_create(
            Cell(enfant=enfant, service=service, date=day, state=CellState.BOOKED, state_since=now, from_contrat=True)
            for day in new
        )
        CellChange.objects.bulk_create(
            CellChange(
                enfant=enfant,
                service=service,
                date=day,
                from_state=FREE,
                to_state=CellState.BOOKED,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                at=now,
                reason=gettext_noop("Contrat régulier"),
            )
            for day in new
        )
        return len(new)


def contrat_create(
    *, actor, inscription, weekdays: str, start_date: dt.date, end_date: dt.date, now: dt.datetime
) -> tuple[ContratRegulier, int]:
    """A new regular pattern for an enrolment, booked at once; audited. Returns it and the days booked."""
    if not parse_weekdays(weekdays):
        raise PlanningError(_("Choisissez au moins un jour de la semaine."), code="weekdays")
    if end_date < start_date:
        raise PlanningError(_("La fin du contrat précède son début."), code="range")
    _check_within(inscription, start_date, end_date)
    with transaction.atomic():
        contrat = ContratRegulier.objects.create(
            inscription=inscription, weekdays=weekdays, start_date=start_date, end_date=end_date
        )
        booked = contrat_apply(actor=actor, contrat=contrat, now=now)
        log_action(
            obj=inscription.enfant,
            action="contrat.created",
            actor=actor,
            data={
                "contrat": contrat.pk,
                "booked": booked,
                "service": inscription.service.name,
                "weekdays": weekdays,
                "start_date": start_date.isoformat(),
                "end_date": end_date.isoformat(),
            },
        )
    return contrat, booked


def contrat_change(
    *, actor, contrat: ContratRegulier, weekdays: str, from_date: dt.date, now: dt.datetime
) -> ContratRegulier:
    """Change a contract's weekdays from `from_date` onward without touching earlier days;
    audited on the child.

    The old contract ends the day before; its bookings from `from_date` on weekdays that
    the new one drops are freed (only untouched contract bookings: an absence stays)."""
    new_days = parse_weekdays(weekdays)
    if not new_days:
        raise PlanningError(_("Choisissez au moins un jour de la semaine."), code="weekdays")
    with transaction.atomic():
        contrat = ContratRegulier.objects.select_for_update().select_related("inscription").get(pk=contrat.pk)
        _check_within(contrat.inscription, from_date)
        from_date = max(from_date, contrat.start_date)
        if from_date > contrat.end_date:
            raise PlanningError(_("Ce contrat est déjà terminé à cette date."), code="ended")
        inscription = contrat.inscription
        dropped = [
            c
            for c in Cell.objects.select_for_update()
            .filter(
                enfant_id=inscription.enfant_id,
                service_id=inscription.service_id,
                date__gte=from_date,
                date__lte=contrat.end_date,
                state=CellState.BOOKED,
                from_contrat=True,
            )
            .select_related("service", "enfant")
            if c.date.weekday() not in new_days
        ]
        for cell in dropped:
            write_cell_state(
                enfant=cell.enfant,
                service=cell.service,
                day=cell.date,
                to_state=FREE,
                actor=actor,
                now=now,
                cell=cell,
                reason=gettext_noop("Contrat régulier modifié"),
            )
        promote_waiting_list(service_days=[(c.service, c.date) for c in dropped], now=now)
        end = contrat.end_date
        if from_date <= contrat.start_date:
            contrat.weekdays = weekdays
            contrat.save(update_fields=["weekdays"])
            successor = contrat
        else:
            contrat.end_date = from_date - dt.timedelta(days=1)
            contrat.save(update_fields=["end_date"])
            successor = ContratRegulier.objects.create(
                inscription=inscription, weekdays=weekdays, start_date=from_date, end_date=end
            )
        booked = contrat_apply(actor=actor, contrat=successor, now=now, from_date=from_date)
        log_action(
            obj=inscription.enfant,
            action="contrat.changed",
            actor=actor,
            data={
                "contrat": contrat.pk,
                "successor": successor.pk,
                "from": from_date.isoformat(),
                "service": inscription.service.name,
                "weekdays": weekdays,
                "freed": len(dropped),
                "booked": booked,
            },
        )
        return successor
