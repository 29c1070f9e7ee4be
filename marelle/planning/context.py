"""Everything the planning rules need about one child over a date range, loaded in a
constant number of queries and shared by the services (writes) and selectors (grid).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import holidays as holidays_lib

from marelle.families.access import responsable_may_act
from marelle.families.models import Enfant, Responsable
from marelle.planning import deadlines
from marelle.planning.models import FREE, Cell, DeadlineRule, Inscription, Service
from marelle.territory.models import Closure

# What an enfant must be fetched with for `ChildContext` to add no query of its own.
ENFANT_RELATED = (
    "famille__commune__planning_defaults__booking_rule",
    "famille__commune__planning_defaults__cancel_rule",
    "etablissement",
)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays_lib.France(years=year).keys())


def public_holidays_around(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    # Working-day rules look back over a few weeks, possibly into the previous year.
    years = range(first.year - 1, last.year + 1)
    return frozenset().union(*(public_holidays(y) for y in years))


@dataclass(frozen=True)
class ClosureInfo:
    start_date: dt.date
    end_date: dt.date
    label: str
    code: str
    day_label: str
    colour: str
    etablissement_id: int | None
    service_ids: frozenset[int]  # empty = every service

    def applies_to(self, service: Service, day: dt.date) -> bool:
        return (
            self.start_date <= day <= self.end_date
            and (self.etablissement_id is None or self.etablissement_id == service.etablissement_id)
            and (not self.service_ids or service.pk in self.service_ids)
        )


def load_closures(commune_id: int, first: dt.date, last: dt.date) -> list[ClosureInfo]:
    """Closures overlapping the range, with their services, in one query (LEFT JOIN on the M2M)."""
    rows = (
        Closure.objects.filter(commune_id=commune_id, start_date__lte=last, end_date__gte=first)
        .values(
            "pk",
            "start_date",
            "end_date",
            "label",
            "etablissement_id",
            "day_type__code",
            "day_type__label",
            "day_type__colour",
            "services__id",
        )
        .order_by("start_date", "pk")
    )
    grouped: dict[int, dict] = {}
    services: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        grouped.setdefault(row["pk"], row)
        if row["services__id"] is not None:
            services[row["pk"]].add(row["services__id"])
    return [
        ClosureInfo(
            start_date=row["start_date"],
            end_date=row["end_date"],
            label=row["label"],
            code=row["day_type__code"],
            day_label=row["day_type__label"],
            colour=row["day_type__colour"],
            etablissement_id=row["etablissement_id"],
            service_ids=frozenset(services[pk]),
        )
        for pk, row in grouped.items()
    ]


@dataclass
class ChildContext:
    enfant: Enfant
    first: dt.date
    last: dt.date
    inscriptions: list[Inscription]
    closures: list[ClosureInfo]
    cells: dict[tuple[int, dt.date], Cell]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    # The parent asking (None: an agent, or no one in particular): separated parents act
    # only on the inscriptions they pay (families/access.py).
    acting: Responsable | None = None
    _cutoffs: dict[tuple[int, dt.date, str], dt.datetime] = field(default_factory=dict, repr=False)

    @property
    def services(self) -> list[Service]:
        seen: dict[int, Service] = {}
        for inscription in self.inscriptions:
            seen.setdefault(inscription.service_id, inscription.service)
        return sorted(seen.values(), key=lambda s: (s.position, s.name))

    def service(self, service_id: int) -> Service | None:
        for inscription in self.inscriptions:
            if inscription.service_id == service_id:
                return inscription.service
        return None

    def inscription_on(self, service: Service, day: dt.date) -> Inscription | None:
        for inscription in self.inscriptions:
            if inscription.service_id == service.pk and inscription.covers(day):
                return inscription
        return None

    def may_act(self, inscription: Inscription) -> bool:
        return self.acting is None or responsable_may_act(self.acting, inscription)

    def closure_on(self, service: Service, day: dt.date) -> ClosureInfo | None:
        for closure in self.closures:
            if closure.applies_to(service, day):
                return closure
        return None

    def cell(self, service: Service, day: dt.date) -> Cell | None:
        return self.cells.get((service.pk, day))

    def state(self, service: Service, day: dt.date) -> str:
        cell = self.cell(service, day)
        return cell.state if cell else FREE

    def _rule(self, service: Service, which: str) -> deadlines.RuleLike:
        rule: DeadlineRule | None = getattr(service, f"{which}_rule")
        if rule is None:
            defaults = getattr(self.enfant.famille.commune, "planning_defaults", None)
            rule = getattr(defaults, f"{which}_rule", None) if defaults else None
        return rule or deadlines.GUIDE_RULE

    def _cutoff(self, service: Service, day: dt.date, which: str) -> dt.datetime:
        key = (service.pk, day, which)
        if key not in self._cutoffs:
            self._cutoffs[key] = deadlines.cutoff_for(
                self._rule(service, which), day, service_start=service.start_time, holidays=self.holidays
            )
        return self._cutoffs[key]

    def booking_cutoff(self, service: Service, day: dt.date) -> dt.datetime:
        return self._cutoff(service, day, "booking")

    def cancel_cutoff(self, service: Service, day: dt.date) -> dt.datetime:
        return self._cutoff(service, day, "cancel")


INSCRIPTION_RELATED = ("service__etablissement", "service__booking_rule", "service__cancel_rule", "responsable")


def load_child_context(
    enfant: Enfant,
    first: dt.date,
    last: dt.date,
    *,
    service_ids: set[int] | None = None,
    lock_cells: bool = False,
    inscriptions: list[Inscription] | None = None,
    acting: Responsable | None = None,
) -> ChildContext:
    """Three queries: inscriptions (with services and rules), closures, cells.

    `enfant` must come with ENFANT_RELATED selected (else the rule lookup adds queries).
    A page that already loaded the child's inscriptions (with INSCRIPTION_RELATED) passes
    them in, and saves the first query. `acting` is the parent asking (see ChildContext).
    """
    if inscriptions is None:
        inscriptions_qs = (
            Inscription.objects.filter(enfant=enfant, start_date__lte=last, end_date__gte=first)
            .select_related(*INSCRIPTION_RELATED)
            .order_by("service__position", "service__name", "start_date")
        )
        if service_ids is not None:
            inscriptions_qs = inscriptions_qs.filter(service_id__in=service_ids)
        inscriptions = list(inscriptions_qs)
    else:
        inscriptions = [
            i
            for i in inscriptions
            if i.start_date <= last and i.end_date >= first and (service_ids is None or i.service_id in service_ids)
        ]
    cells_qs = Cell.objects.filter(enfant=enfant, date__gte=first, date__lte=last)
    if service_ids is not None:
        cells_qs = cells_qs.filter(service_id__in=service_ids)
    if lock_cells:
        cells_qs = cells_qs.select_for_update()
    cells = {(c.service_id, c.date): c for c in cells_qs}
    return ChildContext(
        enfant=enfant,
        first=first,
        last=last,
        inscriptions=inscriptions,
        closures=load_closures(enfant.famille.commune_id, first, last),
        cells=cells,
        holidays=public_holidays_around(first, last),
        acting=acting,
    )
