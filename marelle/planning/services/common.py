"""What every planning change shares: the error it raises, the write of one cell with its
audit line, the count of places taken, and the waiting list that moves when one frees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marelle.core.dates import day_format
from marelle.families.models import Enfant
from marelle.messaging.kinds import Kind
from marelle.planning import locking
from marelle.planning.models import (
    FREE,
    OCCUPYING_STATES,
    Cell,
    CellChange,
    CellState,
    Demande,
    Service,
)
from marelle.planning.notifications import notify_familles
from marelle.planning.rules import CANCELLABLE, Verdict


class PlanningError(Exception):
    """A refused change, with a message for the person who asked. Nothing was saved."""

    def __init__(self, message: str, *, code: str = "invalid", rejected: Sequence[Verdict] = ()):
        super().__init__(message)
        self.message = message
        self.code = code
        self.rejected = list(rejected)


@dataclass
class Outcome:
    service: Service
    day: dt.date
    from_state: str
    to_state: str


def _day_label(day: dt.date) -> str:
    return day_format(day, "l j F Y")


# --------------------------------------------------------------------------- primitives


def write_cell_state(
    *,
    enfant: Enfant,
    service: Service,
    day: dt.date,
    to_state: str,
    actor,
    now: dt.datetime,
    cell: Cell | None = None,
    reason: str = "",
    demande: Demande | None = None,
    from_contrat: bool | None = None,
) -> Cell | None:
    """Move one cell to `to_state` (FREE deletes it) and write its audit line.

    `cell` is the row as locked by the caller (None when the day is free). Callers check
    that the transition is allowed; this only writes.
    """
    from_state = cell.state if cell else FREE
    if to_state == FREE:
        if cell is not None:
            cell.delete()
        result = None
    elif cell is None:
        result = Cell.objects.create(
            enfant=enfant,
            service=service,
            date=day,
            state=to_state,
            state_since=now,
            demande=demande,
            from_contrat=bool(from_contrat),
        )
    else:
        cell.state = to_state
        cell.state_since = now
        if demande is not None:
            cell.demande = demande
        if from_contrat is not None:
            cell.from_contrat = from_contrat
        cell.save(update_fields=["state", "state_since", "demande", "from_contrat"])
        result = cell
    CellChange.objects.create(
        enfant=enfant,
        service=service,
        date=day,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
        reason=reason[:255],
        demande=demande,
    )
    return result


def occupied_counts(keys: Iterable[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], int]:
    """Places taken per (service id, day), in one query."""
    keys = set(keys)
    if not keys:
        return {}
    services = {s for s, _ in keys}
    days = {d for _, d in keys}
    rows = (
        Cell.objects.filter(service_id__in=services, date__in=days, state__in=OCCUPYING_STATES)
        .values("service_id", "date")
        .annotate(n=Count("id"))
    )
    return {(r["service_id"], r["date"]): r["n"] for r in rows if (r["service_id"], r["date"]) in keys}


def promote_waiting_list(*, service_days: Iterable[tuple[Service, dt.date]], now: dt.datetime) -> list[Cell]:
    """Give freed places to the waiting list, first come first served. Constant queries.

    Must run inside the transaction that freed the places.
    """
    candidates = {
        (service.pk, day): service
        for service, day in service_days
        if service.capacity is not None and service.booking_mode == Service.BookingMode.AUTOMATIC
    }
    if not candidates:
        return []
    locking.lock_service_days(candidates.keys())
    waiting = list(
        Cell.objects.select_for_update()
        .filter(
            service_id__in={s for s, _ in candidates},
            date__in={d for _, d in candidates},
            state=CellState.WAITING,
        )
        .select_related("enfant")
        .order_by("state_since", "id")
    )
    waiting = [c for c in waiting if (c.service_id, c.date) in candidates]
    if not waiting:
        return []
    counts = occupied_counts(candidates.keys())
    promoted: list[Cell] = []
    for cell in waiting:
        key = (cell.service_id, cell.date)
        service = candidates[key]
        if counts.get(key, 0) >= service.capacity:
            continue
        counts[key] = counts.get(key, 0) + 1
        cell.state = CellState.BOOKED
        cell.state_since = now
        promoted.append(cell)
    if promoted:
        Cell.objects.bulk_update(promoted, ["state", "state_since"])
        CellChange.objects.bulk_create(
            CellChange(
                enfant_id=c.enfant_id,
                service_id=c.service_id,
                date=c.date,
                from_state=CellState.WAITING,
                to_state=CellState.BOOKED,
                actor=None,
                at=now,
                reason=gettext_noop("Place libérée : liste d'attente"),
                demande_id=c.demande_id,
            )
            for c in promoted
        )
        messages: dict[int, tuple[str, str]] = {}
        for c in promoted:
            service = candidates[(c.service_id, c.date)]
            messages[c.enfant.famille_id] = (
                _("Marelle : une place s'est libérée"),
                _("Une place s'est libérée : %(child)s est inscrit(e) au service %(service)s le %(day)s.")
                % {"child": c.enfant.prenom, "service": service.name, "day": _day_label(c.date)},
            )
        notify_familles(messages, kind=Kind.PLACE)
    return promoted


# --------------------------------------------------------------------------- parents


PENDING_STATES = frozenset(CANCELLABLE)
# What an agent decides (docs/domain.md#transitions): a waiting list moves only when a place frees, in order.
DECIDABLE_STATES = frozenset({CellState.PENDING, CellState.ABSENCE_PENDING})


def _close_emptied_demandes(demande_ids: set[int], now: dt.datetime) -> None:
    """A pending demande whose every cell was cancelled one by one is itself cancelled."""
    still_pending = set(
        Cell.objects.filter(demande_id__in=demande_ids, state__in=DECIDABLE_STATES).values_list("demande_id", flat=True)
    )
    Demande.objects.filter(pk__in=demande_ids - still_pending, status=Demande.Status.PENDING).update(
        status=Demande.Status.CANCELLED, decided_at=now
    )
