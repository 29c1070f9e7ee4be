"""Closures and the planning: a new closure turns the booked days to Fermeture and the
families are told; deleting one may give back the bookings it had closed.

Deleting a closure leaves its cells as they are, unless the agent asks to restore them:
then each cell still in Fermeture, in the closure's scope, on a day no other closure
covers, goes back to the state it had before its last move to Fermeture, read from its
CellChange history:

- Réservé before → Réservé again (the family is told);
- pending or waiting before → Libre: the demande was refused when the closure was made,
  so there is nothing left to decide and the family may ask again;
- no move to Fermeture in the history (set by hand long ago) → left in Fermeture.

Every cell written goes through `write_cell_state` (one CellChange each) under the
service-day locks; creations, imports and deletions are logged on the commune.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from marelle.audit.services import log_action
from marelle.core.bulk import insert_rows, update_by_ids
from marelle.core.dates import day_format, in_range, out_of_range_message
from marelle.planning import locking
from marelle.planning.context import load_closures
from marelle.planning.models import (
    FREE,
    Cell,
    CellChange,
    CellState,
    Demande,
)
from marelle.planning.notifications import notify_familles_on_commit
from marelle.planning.services.common import (
    DECIDABLE_STATES,
    _day_label,
    write_cell_state,
)
from marelle.territory import services as territory_services
from marelle.territory.models import Closure, SchoolYear

CLOSABLE_STATES = (CellState.BOOKED, CellState.PENDING, CellState.WAITING)


def closure_apply(*, actor, closure: Closure, now: dt.datetime) -> int:
    """Turn the booked, pending and waiting cells of a new closure's days to Fermeture and
    tell the families. Pending demandes left with nothing to decide are refused."""
    with transaction.atomic():
        cells_qs = Cell.objects.select_for_update(of=("self",)).filter(
            date__gte=closure.start_date,
            date__lte=closure.end_date,
            state__in=CLOSABLE_STATES,
            service__etablissement__commune_id=closure.commune_id,
        )
        if closure.etablissement_id:
            cells_qs = cells_qs.filter(service__etablissement_id=closure.etablissement_id)
        service_ids = list(closure.services.values_list("pk", flat=True))
        if service_ids:
            cells_qs = cells_qs.filter(service_id__in=service_ids)
        # Plain rows: a closure of a week may touch tens of thousands of cells.
        cells = list(
            cells_qs.values_list(
                "pk", "enfant_id", "service_id", "date", "state", "demande_id", "enfant__famille_id", "enfant__prenom"
            )
        )
        if not cells:
            return 0
        reason = _("Fermeture : %(label)s") % {"label": closure.label}
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        insert_rows(
            CellChange,
            ["enfant_id", "service_id", "date", "from_state", "to_state", "actor_id", "at", "reason", "demande_id"],
            (
                (enfant_id, service_id, day, state, CellState.CLOSED.value, actor_id, now, reason[:255], demande_id)
                for _pk, enfant_id, service_id, day, state, demande_id, _famille_id, _prenom in cells
            ),
        )
        demande_ids = {
            demande_id
            for _pk, _e, _s, _d, state, demande_id, _f, _p in cells
            if state in (CellState.PENDING, CellState.WAITING) and demande_id
        }
        # Every cell gets the same values: one UPDATE of the rows locked above.
        update_by_ids(Cell, [c[0] for c in cells], state=CellState.CLOSED, state_since=now)
        if demande_ids:
            still = set(
                Cell.objects.filter(demande_id__in=demande_ids, state__in=DECIDABLE_STATES).values_list(
                    "demande_id", flat=True
                )
            )
            Demande.objects.filter(pk__in=demande_ids - still, status=Demande.Status.PENDING).update(
                status=Demande.Status.REFUSED, decided_at=now, decided_by=actor, agent_comment=reason
            )
        by_famille: dict[int, set[str]] = defaultdict(set)
        for *_cell, famille_id, prenom in cells:
            by_famille[famille_id].add(prenom)
        period = (
            _day_label(closure.start_date)
            if closure.start_date == closure.end_date
            else _("du %(start)s au %(end)s")
            % {"start": _day_label(closure.start_date), "end": _day_label(closure.end_date)}
        )
        notify_familles_on_commit(
            {
                famille_id: (
                    _("Marelle : fermeture du service"),
                    _(
                        "Le service sera fermé %(period)s (%(label)s). Les réservations de %(children)s ce(s) jour(s) sont annulées et ne seront pas facturées."
                    )
                    % {"period": period, "label": closure.label, "children": ", ".join(sorted(names))},
                )
                for famille_id, names in by_famille.items()
            }
        )
        return len(cells)


@dataclass
class ClosureDeletion:
    label: str
    restored: int = 0  # back to Réservé
    freed: int = 0  # back to Libre (was pending or waiting)
    kept: int = 0  # left in Fermeture


def closed_cells(closure: Closure, *, lock: bool = False):
    """The cells in Fermeture within the closure's days, établissement and services."""
    qs = Cell.objects.select_for_update(of=("self",)) if lock else Cell.objects.all()
    qs = qs.filter(
        state=CellState.CLOSED,
        date__gte=closure.start_date,
        date__lte=closure.end_date,
        service__etablissement__commune_id=closure.commune_id,
    )
    if closure.etablissement_id:
        qs = qs.filter(service__etablissement_id=closure.etablissement_id)
    service_ids = [s.pk for s in closure.services.all()]
    if service_ids:
        qs = qs.filter(service_id__in=service_ids)
    return qs


def _state_before_closing(cells: list[Cell]) -> dict[tuple[int, int, dt.date], str]:
    """For each cell, the from_state of its latest move to Fermeture (one query)."""
    if not cells:
        return {}
    first, last = min(c.date for c in cells), max(c.date for c in cells)
    wanted = {(c.enfant_id, c.service_id, c.date) for c in cells}
    before: dict[tuple[int, int, dt.date], str] = {}
    rows = (
        CellChange.objects.filter(
            to_state=CellState.CLOSED,
            date__gte=first,
            date__lte=last,
            enfant_id__in={c.enfant_id for c in cells},
            service_id__in={c.service_id for c in cells},
        )
        .order_by("at", "id")
        .values_list("enfant_id", "service_id", "date", "from_state")
    )
    for enfant_id, service_id, day, from_state in rows:
        key = (enfant_id, service_id, day)
        if key in wanted:
            before[key] = from_state  # the latest wins
    return before


def closure_create(
    *,
    actor,
    commune,
    label: str,
    start_date: dt.date,
    end_date: dt.date,
    day_type,
    etablissement=None,
    services=(),
    now: dt.datetime,
) -> tuple[Closure, int]:
    """A new closure: booked, pending and waiting cells of its days turn to Fermeture and the
    families are told (after commit); audited on the commune. Returns it and the cells closed.
    Raises ValidationError (nothing saved) for days outside the commune's school years."""
    closure_check_dates(commune=commune, start_date=start_date, end_date=end_date)
    with transaction.atomic():
        closure = Closure.objects.create(
            commune=commune,
            label=label,
            start_date=start_date,
            end_date=end_date,
            day_type=day_type,
            etablissement=etablissement,
        )
        closure.services.set(services)
        closed = closure_apply(actor=actor, closure=closure, now=now)
        log_action(
            obj=commune,
            action="closure.created",
            actor=actor,
            data={
                "closure": closure.pk,
                "label": closure.label,
                "start_date": closure.start_date.isoformat(),
                "end_date": closure.end_date.isoformat(),
                "cells_closed": closed,
            },
        )
    return closure, closed


def closure_check_dates(*, commune, start_date: dt.date, end_date: dt.date) -> None:
    """A closure's days lie within the commune's school years (from the first one's start to
    the last one's end; any sane range when it has none yet) and end after they start."""
    if not (in_range(start_date) and in_range(end_date)):
        raise ValidationError({"start_date": out_of_range_message()})
    if end_date < start_date:
        raise ValidationError({"end_date": _("La fin précède le début.")})
    span = SchoolYear.objects.filter(commune=commune).aggregate(first=Min("start_date"), last=Max("end_date"))
    if span["first"] is not None and (start_date < span["first"] or end_date > span["last"]):
        raise ValidationError(
            {
                "start_date": _(
                    "Une fermeture doit tomber dans les années scolaires de la commune (du %(start)s au %(end)s)."
                )
                % {"start": day_format(span["first"], "j F Y"), "end": day_format(span["last"], "j F Y")}
            }
        )


def calendar_import(*, actor, commune, school_year, public: bool, now: dt.datetime) -> tuple[int, int, int]:
    """Import the public (or the zone's school) holidays of a school year as closures
    (territory), then close the days that were already booked, like any new closure, in the
    same transaction. Returns (created, updated, cells closed)."""
    result = territory_services.calendar_import(
        actor=actor,
        commune=commune,
        school_year=school_year,
        public=public,
        close_days=lambda closure: closure_apply(actor=actor, closure=closure, now=now),
    )
    return result.created, result.updated, result.cells_closed


def closure_delete(*, actor, closure: Closure, restore: bool, now: dt.datetime) -> ClosureDeletion | None:
    """Delete `closure`; with `restore`, give back what it closed (see the module doc).
    Returns None if it was already deleted (two agents at once). Callers scope the
    closure to the agent's communes."""
    with transaction.atomic():
        closure = Closure.objects.select_for_update().prefetch_related("services").filter(pk=closure.pk).first()
        if closure is None:
            return None
        result = ClosureDeletion(label=str(closure))
        cells = list(closed_cells(closure).select_related("enfant", "service").order_by("date", "service_id", "pk"))
        if restore and cells:
            locking.lock_service_days({(c.service_id, c.date) for c in cells})
            cells = list(
                closed_cells(closure, lock=True).select_related("enfant", "service").order_by("date", "service_id")
            )
        snapshot = {
            "label": closure.label,
            "start_date": closure.start_date.isoformat(),
            "end_date": closure.end_date.isoformat(),
            "etablissement": closure.etablissement_id,
            "services": [s.pk for s in closure.services.all()],
            "source": closure.source,
        }
        commune = closure.commune
        closure.delete()
        if not restore:
            result.kept = len(cells)
        else:
            # Closures that remain (the deleted one is gone) still close their days.
            others = load_closures(commune.pk, closure.start_date, closure.end_date)
            before = _state_before_closing(cells)
            reason = _("Fermeture supprimée : %(label)s") % {"label": closure.label}
            restored_by_famille: dict[int, set[str]] = defaultdict(set)
            for cell in cells:
                previous = before.get((cell.enfant_id, cell.service_id, cell.date))
                if previous is None or any(o.applies_to(cell.service, cell.date) for o in others):
                    result.kept += 1
                    continue
                to_state = CellState.BOOKED if previous == CellState.BOOKED else FREE
                write_cell_state(
                    enfant=cell.enfant,
                    service=cell.service,
                    day=cell.date,
                    to_state=to_state,
                    actor=actor,
                    now=now,
                    cell=cell,
                    reason=reason,
                )
                if to_state == CellState.BOOKED:
                    result.restored += 1
                    restored_by_famille[cell.enfant.famille_id].add(cell.enfant.prenom)
                else:
                    result.freed += 1
            _notify_restored(restored_by_famille, closure)
        log_action(
            obj=commune,
            action="closure.deleted",
            actor=actor,
            data={
                "label": closure.label,
                "start_date": snapshot["start_date"],
                "end_date": snapshot["end_date"],
                "closure": snapshot,
                "restore": restore,
                "restored": result.restored,
                "freed": result.freed,
                "kept": result.kept,
            },
        )
        return result


def _notify_restored(by_famille: dict[int, set[str]], closure: Closure) -> None:
    if not by_famille:
        return
    period = (
        day_format(closure.start_date, "l j F Y")
        if closure.start_date == closure.end_date
        else _("du %(start)s au %(end)s")
        % {"start": day_format(closure.start_date, "l j F Y"), "end": day_format(closure.end_date, "l j F Y")}
    )
    notify_familles_on_commit(
        {
            famille_id: (
                _("Marelle : réservations rétablies"),
                _(
                    "La fermeture prévue %(period)s (%(label)s) est annulée. "
                    "Les réservations de %(children)s ces jours-là sont rétablies."
                )
                % {"period": period, "label": closure.label, "children": ", ".join(sorted(names))},
            )
            for famille_id, names in by_famille.items()
        }
    )
