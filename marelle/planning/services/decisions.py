"""Agents' decisions on demandes (in bulk, idempotent) and the agent mode of the grid."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from marelle.core.dates import in_range, out_of_range_message
from marelle.core.text import COMMENT_MAX_CHARS, too_long_message
from marelle.families.models import Enfant
from marelle.planning import locking
from marelle.planning.models import (
    FREE,
    OCCUPYING_STATES,
    Cell,
    CellChange,
    CellState,
    Demande,
    Inscription,
    Service,
)
from marelle.planning.notifications import notify_demandes_decided
from marelle.planning.services.common import (
    PENDING_STATES,
    PlanningError,
    _day_label,
    occupied_counts,
    promote_waiting_list,
    write_cell_state,
)

DECISIONS = {
    # (demande kind, accepted?) → {cell state the demande left: state after the decision}
    (Demande.Kind.RESERVATION, True): {CellState.PENDING: CellState.BOOKED},
    (Demande.Kind.RESERVATION, False): {CellState.PENDING: CellState.REFUSED},
    (Demande.Kind.ABSENCE, True): {CellState.ABSENCE_PENDING: CellState.ABSENCE_EXCUSED},
    (Demande.Kind.ABSENCE, False): {CellState.ABSENCE_PENDING: CellState.ABSENCE_BILLED},
}


@dataclass
class DecisionResult:
    decided: list[Demande]
    already_decided: int = 0


def demandes_decide(
    *,
    actor,
    demande_ids: Iterable[int],
    accept: bool,
    now: dt.datetime,
    comment: str = "",
    force_capacity: bool = False,
) -> DecisionResult:
    """Accept or refuse pending demandes, in bulk, in a constant number of queries.

    Deciding twice changes nothing. Accepting bookings beyond a service's capacity is
    refused unless `force_capacity` (the agent confirmed). Callers scope `demande_ids`
    to the agent's communes.
    """
    demande_ids = set(demande_ids)
    if not accept and not comment.strip():
        raise PlanningError(_("Indiquez le motif du refus."), code="reason")
    if len(comment) > COMMENT_MAX_CHARS:
        raise PlanningError(too_long_message(COMMENT_MAX_CHARS, len(comment)), code="comment")
    with transaction.atomic():
        demandes = list(Demande.objects.select_for_update().filter(pk__in=demande_ids).order_by("pk"))
        pending = [d for d in demandes if d.status == Demande.Status.PENDING]
        already = len(demandes) - len(pending)
        if not pending:
            return DecisionResult(decided=[], already_decided=already)
        by_id = {d.pk: d for d in pending}
        cells = list(
            Cell.objects.select_for_update()
            .filter(demande_id__in=by_id.keys(), state__in=PENDING_STATES)
            .select_related("service", "enfant")
            .order_by("date", "service_id", "pk")
        )
        moves: list[tuple[Cell, str]] = []
        for cell in cells:
            demande = by_id[cell.demande_id]
            to_state = DECISIONS.get((demande.kind, accept), {}).get(cell.state)
            if to_state:
                moves.append((cell, to_state))

        # Places a decision takes (a pending booking accepted), counted where capacity is set.
        taking = [
            (c.service_id, c.date)
            for c, to_state in moves
            if to_state in OCCUPYING_STATES and c.state not in OCCUPYING_STATES and c.service.capacity is not None
        ]
        capacity_keys = set(taking)
        if capacity_keys and not force_capacity:
            locking.lock_service_days(capacity_keys)
            counts = occupied_counts(capacity_keys)
            services = {c.service_id: c.service for c, _ in moves}
            wanted: dict[tuple[int, dt.date], int] = defaultdict(int)
            for key in taking:
                wanted[key] += 1
            for key, n in sorted(wanted.items(), key=lambda kv: kv[0][1]):
                service = services[key[0]]
                if counts.get(key, 0) + n > service.capacity:
                    raise PlanningError(
                        _(
                            "%(service)s est complet le %(day)s (%(taken)d places prises sur %(capacity)d). "
                            "Confirmez pour accepter au-delà de la capacité."
                        )
                        % {
                            "service": service.name,
                            "day": _day_label(key[1]),
                            "taken": counts.get(key, 0),
                            "capacity": service.capacity,
                        },
                        code="capacity",
                    )

        freed: list[tuple[Service, dt.date]] = []
        changes: list[CellChange] = []
        for cell, to_state in moves:
            if cell.state in OCCUPYING_STATES and to_state not in OCCUPYING_STATES:
                freed.append((cell.service, cell.date))
            changes.append(
                CellChange(
                    enfant_id=cell.enfant_id,
                    service_id=cell.service_id,
                    date=cell.date,
                    from_state=cell.state,
                    to_state=to_state,
                    actor=actor,
                    at=now,
                    reason=comment[:255],
                    demande_id=cell.demande_id,
                )
            )
            cell.state = to_state
            cell.state_since = now
        Cell.objects.bulk_update([c for c, _ in moves], ["state", "state_since"])
        CellChange.objects.bulk_create(changes)
        status = Demande.Status.ACCEPTED if accept else Demande.Status.REFUSED
        Demande.objects.filter(pk__in=by_id.keys()).update(
            status=status, decided_by=actor, decided_at=now, agent_comment=comment
        )
        for demande in pending:
            demande.status, demande.decided_by, demande.decided_at, demande.agent_comment = status, actor, now, comment
        promote_waiting_list(service_days=freed, now=now)

        notify_demandes_decided(pending, accepted=accept, comment=comment)
        return DecisionResult(decided=pending, already_decided=already)


def demande_decide(
    *, actor, demande: Demande, accept: bool, now: dt.datetime, comment: str = "", force_capacity: bool = False
) -> bool:
    """One demande; True if this call decided it, False if it was already decided."""
    result = demandes_decide(
        actor=actor, demande_ids=[demande.pk], accept=accept, now=now, comment=comment, force_capacity=force_capacity
    )
    return bool(result.decided)


def cell_set_state(
    *, actor, enfant: Enfant, service: Service, day: dt.date, to_state: str, reason: str, now: dt.datetime
) -> Cell | None:
    """Agent mode: any state, no deadline, with a reason. Callers scope enfant and service."""
    if to_state != FREE and to_state not in CellState.values:
        raise PlanningError(_("État inconnu."), code="state")
    if not reason.strip():
        raise PlanningError(_("Indiquez la raison du changement."), code="reason")
    if not in_range(day):
        raise PlanningError(out_of_range_message(), code="out_of_range")
    # A state on a day the child is not enrolled would be billed and counted: refused. Freeing
    # such a day (left from an enrolment since shortened) stays possible.
    enrolled = Inscription.objects.filter(enfant=enfant, service=service, start_date__lte=day, end_date__gte=day)
    if to_state != FREE and not enrolled.exists():
        raise PlanningError(
            _("%(child)s n'est pas inscrit(e) à ce service ce jour-là.") % {"child": enfant.prenom}, code="enrolment"
        )
    with transaction.atomic():
        locking.lock_service_days([(service.pk, day)])
        cell = Cell.objects.select_for_update().filter(enfant=enfant, service=service, date=day).first()
        from_state = cell.state if cell else FREE
        if from_state == to_state:
            return cell
        result = write_cell_state(
            enfant=enfant, service=service, day=day, to_state=to_state, actor=actor, now=now, cell=cell, reason=reason
        )
        if from_state in OCCUPYING_STATES and to_state not in OCCUPYING_STATES:
            promote_waiting_list(service_days=[(service, day)], now=now)
        return result
