"""Closures created on days that had bookings: cells turn to Fermeture, families are told."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from marelle.planning.models import (
    Cell,
    CellChange,
    CellState,
    Demande,
)
from marelle.planning.notifications import notify_familles_on_commit
from marelle.planning.services.common import (
    DECIDABLE_STATES,
    _day_label,
)
from marelle.territory.models import Closure

CLOSABLE_STATES = (CellState.BOOKED, CellState.PENDING, CellState.WAITING)


def closure_apply(*, actor, closure: Closure, now: dt.datetime) -> int:
    """Turn the booked, pending and waiting cells of a new closure's days to Fermeture and
    tell the families. Pending demandes left with nothing to decide are refused."""
    with transaction.atomic():
        cells_qs = Cell.objects.select_for_update().filter(
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
        cells = list(cells_qs.select_related("enfant", "service"))
        if not cells:
            return 0
        reason = _("Fermeture : %(label)s") % {"label": closure.label}
        CellChange.objects.bulk_create(
            CellChange(
                enfant_id=c.enfant_id,
                service_id=c.service_id,
                date=c.date,
                from_state=c.state,
                to_state=CellState.CLOSED,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                at=now,
                reason=reason[:255],
                demande_id=c.demande_id,
            )
            for c in cells
        )
        demande_ids = {
            c.demande_id for c in cells if c.state in (CellState.PENDING, CellState.WAITING) and c.demande_id
        }
        for c in cells:
            c.state, c.state_since = CellState.CLOSED, now
        Cell.objects.bulk_update(cells, ["state", "state_since"])
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
        for c in cells:
            by_famille[c.enfant.famille_id].add(c.enfant.prenom)
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
