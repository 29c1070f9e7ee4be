"""Reads shaped for screens: a child's month planning, built in a constant number of queries.

They return data (states, allowed actions, cut-offs); how a state looks (class, symbol, label,
hint) is `marelle.planning.presentation`'s.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import pgettext_lazy

from marelle.core.dates import MAX_YEAR, MIN_YEAR, day_format
from marelle.families.access import responsable_may_act
from marelle.families.models import Enfant, Responsable
from marelle.planning import deadlines
from marelle.planning.context import ChildContext, ClosureInfo, load_child_context
from marelle.planning.models import FREE, CellChange, CellState, Demande, DemandeLine, Inscription, Service
from marelle.planning.rules import Action, allowed_actions, local_today

# A free day without a service for the child: under a closure, or no service at all.
CLOSED_DAY = "closed"  # the same value as CellState.CLOSED: both show as closed
OFF_DAY = "off"

DAY_ABBR = [
    pgettext_lazy("jour abrégé", "Lu"),
    pgettext_lazy("jour abrégé", "Ma"),
    pgettext_lazy("jour abrégé", "Me"),
    pgettext_lazy("jour abrégé", "Je"),
    pgettext_lazy("jour abrégé", "Ve"),
    pgettext_lazy("jour abrégé", "Sa"),
    pgettext_lazy("jour abrégé", "Di"),
]


@dataclass(frozen=True)
class GridDay:
    date: dt.date
    label: str  # "Lu 01"
    long_label: str  # "lundi 1 décembre 2026"
    is_weekend: bool
    is_today: bool


@dataclass(frozen=True)
class GridCell:
    """What a cell is. How it looks is `presentation.cell_look(cell)`."""

    service_id: int
    date: dt.date
    state: str  # a CellState, FREE, CLOSED_DAY or OFF_DAY
    actions: tuple[str, ...]  # what the parent may do (none in agent mode)
    enrolled: bool
    closure: ClosureInfo | None = None  # the closure over a CLOSED_DAY
    cutoff: dt.datetime | None = None  # the deadline of the first action: booking's, else absence's
    late: bool = False  # past the absence deadline: an absence now waits for the town hall

    @property
    def key(self) -> str:
        return f"{self.service_id}:{self.date.isoformat()}"


@dataclass(frozen=True)
class GridRow:
    service: Service
    responsable: str
    cells: list[GridCell]
    read_only: bool = False  # paid by the other responsable of separated parents


@dataclass(frozen=True)
class MonthGrid:
    enfant: Enfant
    first: dt.date
    title: str  # "Décembre 2026"
    days: list[GridDay]
    rows: list[GridRow]
    previous: dt.date
    next: dt.date
    current: dt.date
    etablissements: list[tuple[int, str]]
    services: list[tuple[int, str]]


def grid_day(day: dt.date, today: dt.date) -> GridDay:
    return GridDay(
        date=day,
        label=f"{DAY_ABBR[day.weekday()]} {day.day:02d}",
        long_label=day_format(day, "l j F Y"),
        is_weekend=day.weekday() >= 5,
        is_today=day == today,
    )


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    return first, first.replace(day=calendar.monthrange(year, month)[1])


def _deadline(
    ctx: ChildContext, service: Service, day: dt.date, actions: list[Action], now: dt.datetime
) -> tuple[dt.datetime | None, bool]:
    """The cut-off the parent is told about, and whether an absence would now be late."""
    if Action.BOOK in actions:
        return ctx.booking_cutoff(service, day), False
    if Action.ABSENCE in actions:
        cutoff = ctx.cancel_cutoff(service, day)
        return cutoff, not deadlines.is_in_time(now, cutoff)
    return None, False


def build_cell(ctx: ChildContext, service: Service, day: dt.date, now: dt.datetime, *, agent: bool = False) -> GridCell:
    state = ctx.state(service, day)
    enrolled = ctx.inscription_on(service, day) is not None
    if state == FREE:
        closure = ctx.closure_on(service, day)
        if closure:
            return GridCell(service.pk, day, CLOSED_DAY, (), enrolled, closure)
        if not enrolled or not service.is_open_on(day):
            return GridCell(service.pk, day, OFF_DAY, (), enrolled)
    if agent:
        return GridCell(service.pk, day, state, (), enrolled)
    actions = allowed_actions(ctx, service, day, now)
    cutoff, late = _deadline(ctx, service, day, actions, now)
    return GridCell(service.pk, day, state, tuple(str(a) for a in actions), enrolled, None, cutoff, late)


def month_grid(
    enfant: Enfant,
    year: int,
    month: int,
    *,
    now: dt.datetime,
    etablissement_id: int | None = None,
    service_id: int | None = None,
    missing_attendance: bool = False,
    agent: bool = False,
    inscriptions: list[Inscription] | None = None,
    acting: Responsable | None = None,
) -> MonthGrid:
    """One child's month: 3 queries whatever the number of services or days (2 when the
    page passes the child's `inscriptions`, loaded with `context.INSCRIPTION_RELATED`).
    `acting` is the parent looking: the rows they may not act on come without actions.

    `enfant` must be loaded with `context.ENFANT_RELATED` selected.
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        # Callers parse months with core.dates; a year near 1 or 9999 would overflow below.
        raise ValueError(f"month_grid: year {year} out of range")
    first, last = month_bounds(year, month)
    ctx = load_child_context(enfant, first, last, inscriptions=inscriptions, acting=acting)
    today = local_today(now)
    days = [grid_day(first + dt.timedelta(days=i), today) for i in range((last - first).days + 1)]
    all_services = ctx.services
    services = [
        s
        for s in all_services
        if (etablissement_id is None or s.etablissement_id == etablissement_id)
        and (service_id is None or s.pk == service_id)
    ]
    rows = []
    for service in services:
        if missing_attendance and not any(ctx.state(service, d.date) == CellState.ERROR for d in days):
            continue
        inscription = next((i for i in ctx.inscriptions if i.service_id == service.pk), None)
        payer = inscription.responsable if inscription else None
        rows.append(
            GridRow(
                service=service,
                responsable=str(payer) if payer else "",
                cells=[build_cell(ctx, service, d.date, now, agent=agent) for d in days],
                read_only=not agent and inscription is not None and not ctx.may_act(inscription),
            )
        )
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    etablissements = sorted({(s.etablissement_id, s.etablissement.name) for s in all_services}, key=lambda e: e[1])
    return MonthGrid(
        enfant=enfant,
        first=first,
        title=date_format(first, "F Y").capitalize(),
        days=days,
        rows=rows,
        previous=previous,
        next=following,
        current=today.replace(day=1),
        etablissements=etablissements,
        services=[(s.pk, s.name) for s in all_services],
    )


@dataclass(frozen=True)
class LoneCell:
    """A cell outside its grid (a fragment after an action, the no-JS cell page)."""

    cell: GridCell
    day: GridDay
    service_name: str


def cells_for(
    enfant: Enfant,
    keys: list[tuple[int, dt.date]],
    *,
    now: dt.datetime,
    agent: bool = False,
    acting: Responsable | None = None,
) -> list[LoneCell]:
    """Fresh cells after an action, to swap in place. Three queries; a key for a service the
    child is not enrolled in is simply absent from the result."""
    keys = sorted(set(keys), key=lambda k: (k[1], k[0]))
    if not keys:
        return []
    ctx = load_child_context(enfant, keys[0][1], keys[-1][1], service_ids={s for s, _ in keys}, acting=acting)
    today = local_today(now)
    result = []
    for service_id, day in keys:
        service = ctx.service(service_id)
        if service is not None:
            result.append(LoneCell(build_cell(ctx, service, day, now, agent=agent), grid_day(day, today), service.name))
    return result


def services_to_book(enfant: Enfant, *, today: dt.date, acting: Responsable | None = None) -> list[tuple[int, str]]:
    """(id, name) of the services the child is enrolled in from `today` on that `acting` may
    act on (separated parents: those they pay), in the grid's order. One query."""
    inscriptions = (
        Inscription.objects.filter(enfant=enfant, end_date__gte=today)
        .select_related("service", "responsable")
        .order_by("service__position", "service__name")
    )
    seen: dict[int, str] = {}
    for inscription in inscriptions:
        if acting is None or responsable_may_act(acting, inscription):
            seen.setdefault(inscription.service_id, inscription.service.name)
    return list(seen.items())


# Reads for the agents' pages, each taking the queryset the agent may see (their scope).


def bookings_after(enfant: Enfant, day: dt.date) -> int:
    """Booked, pending or waiting days after `day` (a child's departure leaves them as they
    are: the agent frees them in agent mode, with a reason, if the family has not)."""
    return enfant.cells.filter(date__gt=day, state__in=[CellState.BOOKED, CellState.PENDING, CellState.WAITING]).count()


def famille_with_enrolments(scope):
    """Families of `scope` with their responsables and children, each child with its
    school and enrolments (service, year, payer, contracts): the family page in 4 queries."""
    return scope.select_related("commune").prefetch_related(
        "responsables",
        Prefetch(
            "enfants",
            queryset=Enfant.objects.select_related("etablissement").prefetch_related(
                Prefetch(
                    "inscriptions",
                    queryset=Inscription.objects.select_related(
                        "service__etablissement", "school_year", "responsable"
                    ).prefetch_related("contrats"),
                )
            ),
        ),
    )


def famille_demandes(famille, *, limit: int = 50) -> list[Demande]:
    """The family's latest demandes with their lines."""
    return list(
        Demande.objects.filter(famille=famille)
        .select_related("enfant", "decided_by")
        .prefetch_related(Prefetch("lines", queryset=DemandeLine.objects.select_related("service")))[:limit]
    )


def famille_cell_changes(famille, *, limit: int) -> list[CellChange]:
    """The latest moves of the family's planning cells, newest first."""
    return list(CellChange.objects.filter(enfant__famille=famille).select_related("enfant", "service", "actor")[:limit])


def demandes_with_lines(queryset: QuerySet[Demande]) -> QuerySet[Demande]:
    """Demandes with their child, family and lines (each with its service), for the queue."""
    return queryset.select_related("enfant__etablissement", "famille").prefetch_related(
        Prefetch("lines", queryset=DemandeLine.objects.select_related("service__etablissement"))
    )


def pending_demandes(
    scope: QuerySet[Demande],
    *,
    commune=None,
    kind: str = "",
    etablissement=None,
    service=None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> QuerySet[Demande]:
    """The pending demandes of `scope`, oldest first, filtered; a line filter keeps a
    demande if one of its lines matches every condition at once."""
    demandes = scope.filter(status=Demande.Status.PENDING)
    if commune:
        demandes = demandes.filter(famille__commune=commune)
    if kind:
        demandes = demandes.filter(kind=kind)
    line_q = Q()
    if etablissement:
        line_q &= Q(service__etablissement=etablissement)
    if service:
        line_q &= Q(service=service)
    if first:
        line_q &= Q(date__gte=first)
    if last:
        line_q &= Q(date__lte=last)
    if line_q:
        # One line must match every condition: a subquery, not separate joins.
        demandes = demandes.filter(pk__in=DemandeLine.objects.filter(line_q).values("demande_id"))
    # Only what the queue shows: a page builds ~200 model instances, each field costs.
    lines = DemandeLine.objects.select_related("service").only(
        "demande", "date", "to_state", "service__name", "service__capacity"
    )
    return (
        demandes.order_by("created_at", "pk")
        .select_related("enfant__etablissement", "famille")
        .only(*QUEUE_FIELDS)
        .prefetch_related(Prefetch("lines", queryset=lines))
    )


QUEUE_FIELDS = (
    "created_at",
    "kind",
    "reason",
    "comment",
    "enfant__prenom",
    "enfant__nom",
    "enfant__etablissement__name",
    "famille__numero",
)


def places_left(demandes) -> dict[int, int | None]:
    """Places left on the (service, day) of each line of `demandes`, by line id (None: no
    capacity), from one counting query."""
    from marelle.planning.services import occupied_counts

    lines = [line for d in demandes for line in d.lines.all()]
    keys = {(line.service_id, line.date) for line in lines if line.service.capacity is not None}
    counts = occupied_counts(keys)
    return {
        line.pk: None
        if line.service.capacity is None
        else line.service.capacity - counts.get((line.service_id, line.date), 0)
        for line in lines
    }
