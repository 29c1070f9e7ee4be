"""Effectifs prévisionnels: how many children each service expects per day — what the kitchen orders.

A child is *expected* when their cell is in OCCUPYING_STATES, the same states that take a
place against the capacity, so that "places left" and the headcount never disagree:

- Réservé: booked, not yet pointed;
- Absence en cours de traitement: the absence may still be refused (then billed), so the
  meal is ordered;
- Présent, Heure hors contrat régulier: the child is there;
- Erreur: the child was pointed present, only a time is missing.

Not counted: pending and waiting requests (not accepted), refused, excused or billed
absences, parental leave, closures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count

from marelle.core.dates import in_range
from marelle.families.models import Enfant
from marelle.planning.models import OCCUPYING_STATES, Cell, Service

EXPECTED_STATES = OCCUPYING_STATES


@dataclass(frozen=True)
class HeadcountRow:
    date: dt.date
    service: Service
    count: int

    @property
    def etablissement(self):
        return self.service.etablissement


@dataclass
class Headcounts:
    first: dt.date
    last: dt.date
    services: list[Service]
    rows: list[HeadcountRow]  # one per (day, service) with at least one child, in day then service order
    by_day: dict[dt.date, int] = field(default_factory=dict)
    by_service: dict[int, int] = field(default_factory=dict)
    total: int = 0

    def count(self, day: dt.date, service_id: int) -> int:
        return self._index.get((day, service_id), 0)

    def __post_init__(self) -> None:
        self._index = {(r.date, r.service.pk): r.count for r in self.rows}


def headcounts(*, services: Iterable[Service], first: dt.date, last: dt.date) -> Headcounts:
    """Expected children per day × service (× its school) over [first, last]: one aggregated query."""
    if not (in_range(first) and in_range(last)):
        raise ValueError(f"headcounts: {first}..{last} out of range")  # forms bound dates with core.dates
    services = sorted(services, key=lambda s: (s.etablissement.name, s.position, s.name))
    by_id = {s.pk: s for s in services}
    counted = (
        Cell.objects.filter(service_id__in=by_id, date__gte=first, date__lte=last, state__in=EXPECTED_STATES)
        .values("date", "service_id")
        .annotate(n=Count("id"))
        .order_by("date", "service_id")
    )
    order = {s.pk: i for i, s in enumerate(services)}
    rows = sorted(
        (HeadcountRow(r["date"], by_id[r["service_id"]], r["n"]) for r in counted),
        key=lambda r: (r.date, order[r.service.pk]),
    )
    by_day: dict[dt.date, int] = defaultdict(int)
    by_service: dict[int, int] = defaultdict(int)
    for row in rows:
        by_day[row.date] += row.count
        by_service[row.service.pk] += row.count
    return Headcounts(
        first=first,
        last=last,
        services=services,
        rows=rows,
        by_day=dict(by_day),
        by_service=dict(by_service),
        total=sum(by_day.values()),
    )


@dataclass(frozen=True)
class ExpectedChild:
    enfant: Enfant
    state: str
    state_label: str


def expected_children(*, service: Service, day: dt.date) -> list[ExpectedChild]:
    """The children expected at one service on one day, with what the printed list needs
    (allergies and PAI: health data, for the staff who serve the meal). One query."""
    cells = (
        Cell.objects.filter(service=service, date=day, state__in=EXPECTED_STATES)
        .select_related("enfant__etablissement")
        .order_by("enfant__nom", "enfant__prenom", "enfant_id")
    )
    return [ExpectedChild(c.enfant, c.state, c.get_state_display()) for c in cells]
