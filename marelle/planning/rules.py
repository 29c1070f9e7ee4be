"""What a parent may do on a cell, and what it leads to: docs/domain.md#transitions as code.

Pure decisions over a ChildContext: no writes, no clock (callers pass `now`). Services
apply the outcome under a lock; the grid uses the same answers to offer only allowed actions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from marelle.planning import deadlines
from marelle.planning.context import ChildContext
from marelle.planning.models import FREE, CellState, Service


class Action(StrEnum):
    BOOK = "book"  # Demande de réservation
    ABSENCE = "absence"  # Déclaration d'absence
    CANCEL = "cancel"  # Annuler la demande


BOOKABLE_FROM = frozenset({FREE, CellState.REFUSED, CellState.ABSENCE_EXCUSED})
CANCELLABLE = {
    # a pending request of one's own → the state before it
    CellState.PENDING: FREE,
    CellState.WAITING: FREE,
    CellState.ABSENCE_PENDING: CellState.BOOKED,
}
# A verdict's code when the day belongs to the other responsable of separated parents.
NOT_PAYER = "not_payer"


@dataclass(frozen=True)
class Verdict:
    """Either `to_state` (allowed; for an automatic booking, BOOKED if a place is left) or `error`."""

    action: Action
    service: Service
    day: dt.date
    from_state: str
    to_state: str | None = None
    error: str | None = None
    late: bool = False
    code: str = ""  # why it is refused, when a caller answers differently (NOT_PAYER)

    @property
    def allowed(self) -> bool:
        return self.error is None


def local_today(now: dt.datetime) -> dt.date:
    return now.astimezone(deadlines.PARIS).date()


def _payer_problem(ctx: ChildContext, service: Service, day: dt.date) -> str | None:
    """Why the parent asking may not act on this day's inscription (separated parents), or None."""
    inscription = ctx.inscription_on(service, day)
    if inscription is None or ctx.may_act(inscription):
        return None
    return _("Le service %(service)s est réglé par %(payer)s : vous pouvez consulter ces jours, pas les modifier.") % {
        "service": service.name,
        "payer": inscription.responsable,
    }


def _day_problem(ctx: ChildContext, service: Service, day: dt.date, now: dt.datetime) -> str | None:
    """Why no parent action is possible on this day at all, or None."""
    if ctx.inscription_on(service, day) is None:
        return _("%(child)s n'est pas inscrit(e) au service %(service)s ce jour-là.") % {
            "child": ctx.enfant.prenom,
            "service": service.name,
        }
    if day < local_today(now):
        return _("Ce jour est passé : il ne peut plus être modifié en ligne.")
    if not service.is_open_on(day):
        return _("Le service %(service)s n'ouvre pas ce jour-là.") % {"service": service.name}
    closure = ctx.closure_on(service, day)
    if closure is not None:
        return _("Le service est fermé ce jour-là (%(label)s).") % {"label": closure.label}
    return None


def judge(ctx: ChildContext, action: Action, service: Service, day: dt.date, now: dt.datetime) -> Verdict:
    from_state = ctx.state(service, day)
    verdict = {"action": action, "service": service, "day": day, "from_state": from_state}
    problem = _payer_problem(ctx, service, day)
    if problem:
        return Verdict(**verdict, error=problem, code=NOT_PAYER)
    problem = _day_problem(ctx, service, day, now)
    if problem:
        return Verdict(**verdict, error=problem)

    if action == Action.BOOK:
        if from_state not in BOOKABLE_FROM:
            return Verdict(**verdict, error=_("Une réservation ne peut pas être demandée sur cette case."))
        cutoff = ctx.booking_cutoff(service, day)
        if not deadlines.is_in_time(now, cutoff):
            return Verdict(
                **verdict,
                error=_("Le délai de réservation est dépassé (il fallait réserver avant le %(cutoff)s).")
                % {"cutoff": deadlines.format_cutoff(cutoff)},
            )
        if service.booking_mode == Service.BookingMode.AUTOMATIC:
            return Verdict(**verdict, to_state=CellState.BOOKED)
        return Verdict(**verdict, to_state=CellState.PENDING)

    if action == Action.ABSENCE:
        if from_state != CellState.BOOKED:
            return Verdict(**verdict, error=_("Une absence ne peut être déclarée que sur un jour réservé."))
        late = not deadlines.is_in_time(now, ctx.cancel_cutoff(service, day))
        # In time: "toute déclaration d'absence transmise dans les délais est considérée comme validée".
        return Verdict(**verdict, to_state=CellState.ABSENCE_PENDING if late else CellState.ABSENCE_EXCUSED, late=late)

    if action == Action.CANCEL:
        if from_state not in CANCELLABLE:
            return Verdict(**verdict, error=_("Il n'y a pas de demande en attente à annuler sur cette case."))
        return Verdict(**verdict, to_state=CANCELLABLE[from_state])

    raise ValueError(f"unknown action {action!r}")


def allowed_actions(ctx: ChildContext, service: Service, day: dt.date, now: dt.datetime) -> list[Action]:
    """The actions `judge` would allow, computed once per cell (the grid calls this ~120 times)."""
    if _payer_problem(ctx, service, day) or _day_problem(ctx, service, day, now):
        return []
    state = ctx.state(service, day)
    actions = []
    if state in BOOKABLE_FROM and deadlines.is_in_time(now, ctx.booking_cutoff(service, day)):
        actions.append(Action.BOOK)
    if state == CellState.BOOKED:
        actions.append(Action.ABSENCE)
    if state in CANCELLABLE:
        actions.append(Action.CANCEL)
    return actions
