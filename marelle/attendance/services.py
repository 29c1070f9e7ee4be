"""Pointage: the attendance transitions of docs/domain.md#transitions, one transaction and one audit line each.

| from                    | action                                   | to              |
| booked                  | present                                  | present         |
| free, excused absence   | the child came unbooked                  | out of contract |
| booked                  | sheet closed, child absent               | billed absence  |
| present                 | sheet closed, arrival/departure missing  | error           |
| error                   | an agent fixes the times                 | present         |

Plus one correction while the sheet is open: a child ticked present by mistake goes back to
booked (he will be billed absent at closing if he does not come). Nothing else is allowed;
an agent who needs another state uses the child's planning in agent mode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marelle.attendance.models import AttendanceSheet
from marelle.audit.services import log_action
from marelle.core.dates import in_range, out_of_range_message
from marelle.families.models import Enfant
from marelle.planning.models import FREE, Cell, CellState, Inscription, Service
from marelle.planning.rules import local_today
from marelle.planning.services import PlanningError, write_cell_state

CAN_COME_UNBOOKED = frozenset({FREE, CellState.ABSENCE_EXCUSED})
TIMED_STATES = frozenset({CellState.PRESENT, CellState.OUT_OF_CONTRACT})


def sheet_is_closed(service: Service, day: dt.date) -> bool:
    return AttendanceSheet.objects.filter(service=service, date=day).exists()


def _check_open(service: Service, day: dt.date, now: dt.datetime) -> None:
    if not in_range(day):
        raise PlanningError(out_of_range_message(), code="out_of_range")
    if day > local_today(now):
        raise PlanningError(_("Le pointage d'un jour à venir n'est pas possible."), code="future")
    if not service.is_open_on(day):
        raise PlanningError(_("Le service %(service)s n'ouvre pas ce jour-là.") % {"service": service.name})
    if sheet_is_closed(service, day):
        raise PlanningError(_("Cette feuille de pointage est clôturée."), code="closed")


def _locked_cell(service: Service, day: dt.date, enfant: Enfant) -> Cell | None:
    return Cell.objects.select_for_update().filter(service=service, date=day, enfant=enfant).first()


def _label(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value else "—"


def _save_times(cell: Cell, arrival: dt.time | None, departure: dt.time | None, actor) -> None:
    before = {"arrival": _label(cell.arrival), "departure": _label(cell.departure)}
    if arrival is not None:
        cell.arrival = arrival
    if departure is not None:
        cell.departure = departure
    if departure is not None and cell.arrival and departure < cell.arrival:
        raise PlanningError(_("L'heure de départ précède l'heure d'arrivée."), code="times")
    cell.save(update_fields=["arrival", "departure"])
    after = {"arrival": _label(cell.arrival), "departure": _label(cell.departure)}
    if after != before:
        log_action(obj=cell, action="pointage.heures", actor=actor, data={"before": before, "after": after})


def mark_present(
    *, actor, service: Service, day: dt.date, enfant: Enfant, now: dt.datetime, arrival: dt.time | None = None
) -> Cell:
    """booked → present (with the arrival time on services that track times)."""
    with transaction.atomic():
        _check_open(service, day, now)
        cell = _locked_cell(service, day, enfant)
        state = cell.state if cell else FREE
        if state in TIMED_STATES:  # already there: at most a time to record
            _save_times(cell, arrival, None, actor)
            return cell
        if state != CellState.BOOKED:
            raise PlanningError(
                _("%(child)s n'est pas attendu(e) : ajoutez-le (la) comme enfant venu sans réservation.")
                % {"child": enfant.prenom},
                code="transition",
            )
        cell = write_cell_state(
            enfant=enfant,
            service=service,
            day=day,
            to_state=CellState.PRESENT,
            actor=actor,
            now=now,
            cell=cell,
            reason=gettext_noop("Pointage : présent"),
        )
        if arrival is not None:
            _save_times(cell, arrival, None, actor)
        return cell


def unmark_present(*, actor, service: Service, day: dt.date, enfant: Enfant, now: dt.datetime) -> Cell:
    """present → booked: a tick made by mistake, corrected before the sheet is closed."""
    with transaction.atomic():
        _check_open(service, day, now)
        cell = _locked_cell(service, day, enfant)
        if cell is None or cell.state != CellState.PRESENT:
            raise PlanningError(_("Seul un enfant pointé présent peut être remis absent."), code="transition")
        cell.arrival = cell.departure = None
        cell.save(update_fields=["arrival", "departure"])
        return write_cell_state(
            enfant=enfant,
            service=service,
            day=day,
            to_state=CellState.BOOKED,
            actor=actor,
            now=now,
            cell=cell,
            reason=gettext_noop("Pointage corrigé : absent"),
        )


def set_times(
    *,
    actor,
    service: Service,
    day: dt.date,
    enfant: Enfant,
    now: dt.datetime,
    arrival: dt.time | None = None,
    departure: dt.time | None = None,
) -> Cell:
    """Arrival and departure of a child who is there (garderies)."""
    if not service.tracks_times:
        raise PlanningError(_("Ce service ne pointe pas les heures."), code="times")
    with transaction.atomic():
        _check_open(service, day, now)
        cell = _locked_cell(service, day, enfant)
        if cell is None or cell.state not in TIMED_STATES:
            raise PlanningError(_("Pointez d'abord l'enfant présent."), code="transition")
        _save_times(cell, arrival, departure, actor)
        return cell


def add_unbooked(
    *, actor, service: Service, day: dt.date, enfant: Enfant, now: dt.datetime, arrival: dt.time | None = None
) -> Cell:
    """A child who came without a booking (free or excused absence) → Heure hors contrat
    régulier. No capacity check: a child who turns up is still fed."""
    with transaction.atomic():
        _check_open(service, day, now)
        enrolled = Inscription.objects.filter(
            enfant=enfant, service=service, start_date__lte=day, end_date__gte=day
        ).exists()
        if not enrolled:
            raise PlanningError(
                _("%(child)s n'est pas inscrit(e) à ce service ce jour-là.") % {"child": enfant.prenom},
                code="enrolment",
            )
        cell = _locked_cell(service, day, enfant)
        state = cell.state if cell else FREE
        if state not in CAN_COME_UNBOOKED:
            raise PlanningError(
                _("%(child)s est déjà sur la feuille (%(state)s).")
                % {"child": enfant.prenom, "state": cell.get_state_display()},
                code="transition",
            )
        try:
            with transaction.atomic():
                cell = write_cell_state(
                    enfant=enfant,
                    service=service,
                    day=day,
                    to_state=CellState.OUT_OF_CONTRACT,
                    actor=actor,
                    now=now,
                    cell=cell,
                    reason=gettext_noop("Pointage : venu(e) sans réservation"),
                )
        except IntegrityError as exc:  # the same child added twice at the same moment
            raise PlanningError(_("Cet enfant vient d'être ajouté."), code="conflict") from exc
        if arrival is not None and service.tracks_times:
            _save_times(cell, arrival, None, actor)
        return cell


@dataclass(frozen=True)
class CloseResult:
    sheet: AttendanceSheet
    billed: int  # booked no-shows → Absent facturé
    errors: int  # present with a time missing → Erreur
    already_closed: bool = False


def close_sheet(*, actor, service: Service, day: dt.date, now: dt.datetime) -> CloseResult:
    """Close the sheet once: no-shows are billed, incomplete times become Erreur. Idempotent."""
    if not in_range(day):
        raise PlanningError(out_of_range_message(), code="out_of_range")
    if day > local_today(now):
        raise PlanningError(_("Une feuille ne peut être clôturée qu'à partir du jour même."), code="future")
    with transaction.atomic():
        existing = AttendanceSheet.objects.select_for_update().filter(service=service, date=day).first()
        if existing is not None:
            return CloseResult(existing, 0, 0, already_closed=True)
        try:
            with transaction.atomic():
                sheet = AttendanceSheet.objects.create(service=service, date=day, closed_at=now, closed_by=actor)
        except IntegrityError:  # closed at the same moment by someone else
            return CloseResult(AttendanceSheet.objects.get(service=service, date=day), 0, 0, already_closed=True)
        cells = list(
            Cell.objects.select_for_update()
            .filter(service=service, date=day, state__in=[CellState.BOOKED, CellState.PRESENT])
            .select_related("enfant")
        )
        billed = errors = 0
        for cell in cells:
            if cell.state == CellState.BOOKED:
                to_state, reason = CellState.ABSENCE_BILLED, _("Pointage clôturé : absent(e)")
                billed += 1
            elif service.tracks_times and (cell.arrival is None or cell.departure is None):
                to_state, reason = CellState.ERROR, _("Pointage clôturé : arrivée ou départ manquant")
                errors += 1
            else:
                continue
            write_cell_state(
                enfant=cell.enfant,
                service=service,
                day=day,
                to_state=to_state,
                actor=actor,
                now=now,
                cell=cell,
                reason=reason,
            )
        return CloseResult(sheet, billed, errors)


def fix_error(
    *, actor, service: Service, day: dt.date, enfant: Enfant, arrival: dt.time, departure: dt.time, now: dt.datetime
) -> Cell:
    """An agent completes the times of an Erreur: error → present."""
    if arrival is None or departure is None:
        raise PlanningError(_("Indiquez l'heure d'arrivée et l'heure de départ."), code="times")
    with transaction.atomic():
        cell = _locked_cell(service, day, enfant)
        if cell is None or cell.state != CellState.ERROR:
            raise PlanningError(_("Cette case n'est pas en erreur."), code="transition")
        cell.arrival = None
        _save_times(cell, arrival, departure, actor)
        return write_cell_state(
            enfant=enfant,
            service=service,
            day=day,
            to_state=CellState.PRESENT,
            actor=actor,
            now=now,
            cell=cell,
            reason=gettext_noop("Pointage corrigé par un agent"),
        )
