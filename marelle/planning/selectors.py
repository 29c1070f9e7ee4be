"""Reads shaped for screens: a child's month planning, built in a constant number of queries."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from marelle.families.models import Enfant
from marelle.core.dates import MAX_YEAR, MIN_YEAR
from marelle.planning import deadlines
from marelle.planning.context import ChildContext, load_child_context
from marelle.planning.models import FREE, CellState, Inscription, Service
from marelle.planning.rules import Action, allowed_actions, local_today


@dataclass(frozen=True)
class StateStyle:
    state: str
    label: str
    symbol: str  # never colour alone: every state also has a symbol or letters

    @property
    def css(self) -> str:
        return f"st-{self.state.replace('_', '-')}"


STATE_STYLES: dict[str, StateStyle] = {
    FREE: StateStyle(FREE, gettext_lazy("Libre"), ""),
    CellState.BOOKED: StateStyle(CellState.BOOKED, CellState.BOOKED.label, "✓"),
    # ◷ rather than ⧗, which most system fonts lack (it showed as an empty box).
    CellState.PENDING: StateStyle(CellState.PENDING, CellState.PENDING.label, "◷"),
    CellState.REFUSED: StateStyle(CellState.REFUSED, CellState.REFUSED.label, "✗"),
    CellState.WAITING: StateStyle(CellState.WAITING, CellState.WAITING.label, "LA"),
    CellState.ABSENCE_PENDING: StateStyle(CellState.ABSENCE_PENDING, CellState.ABSENCE_PENDING.label, "A◷"),
    CellState.ABSENCE_EXCUSED: StateStyle(CellState.ABSENCE_EXCUSED, CellState.ABSENCE_EXCUSED.label, "AE"),
    CellState.ABSENCE_BILLED: StateStyle(CellState.ABSENCE_BILLED, CellState.ABSENCE_BILLED.label, "AF"),
    CellState.PRESENT: StateStyle(CellState.PRESENT, CellState.PRESENT.label, "●"),
    CellState.OUT_OF_CONTRACT: StateStyle(CellState.OUT_OF_CONTRACT, CellState.OUT_OF_CONTRACT.label, "HC"),
    CellState.ERROR: StateStyle(CellState.ERROR, CellState.ERROR.label, "!"),
    CellState.PARENTAL_LEAVE: StateStyle(CellState.PARENTAL_LEAVE, CellState.PARENTAL_LEAVE.label, "CP"),
    CellState.CLOSED: StateStyle(CellState.CLOSED, CellState.CLOSED.label, "Fe"),
}
LEGEND = [STATE_STYLES[s] for s in STATE_STYLES if s != FREE]

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
    service_id: int
    date: dt.date
    state: str
    symbol: str
    label: str  # what a screen reader says of the state
    css: str
    actions: tuple[str, ...]
    hint: str  # until when it can be changed, or why not
    enrolled: bool
    closure_code: str = ""

    @property
    def key(self) -> str:
        return f"{self.service_id}:{self.date.isoformat()}"


@dataclass(frozen=True)
class GridRow:
    service: Service
    responsable: str
    cells: list[GridCell]


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
    legend: list[StateStyle]
    etablissements: list[tuple[int, str]]
    services: list[tuple[int, str]]


def grid_day(day: dt.date, today: dt.date) -> GridDay:
    return GridDay(
        date=day,
        label=f"{DAY_ABBR[day.weekday()]} {day.day:02d}",
        long_label=date_format(day, "l j F Y"),
        is_weekend=day.weekday() >= 5,
        is_today=day == today,
    )


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    return first, first.replace(day=calendar.monthrange(year, month)[1])


# The grid shows ~120 cells: their texts are translated once per language, not per cell.
HINT_BOOK = gettext_noop("réservable jusqu'au %(cutoff)s")
HINT_ABSENCE = gettext_noop("absence sans frais jusqu'au %(cutoff)s")
HINT_ABSENCE_LATE = gettext_noop("délai d'absence dépassé : une absence sera examinée par la mairie")
HINT_CANCEL = gettext_noop("demande annulable tant qu'elle n'est pas traitée")
NOT_ENROLLED = gettext_noop("non inscrit")
NO_SERVICE = gettext_noop("pas de service ce jour")


@lru_cache(maxsize=512)
def _translated(language: str, message: str) -> str:
    with translation.override(language):
        return _(message)


def _t(message: str) -> str:
    return _translated(translation.get_language() or "", message)


@lru_cache(maxsize=8)
def _state_labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {state: str(style.label) for state, style in STATE_STYLES.items()}


@lru_cache(maxsize=4096)
def _cutoff_text(language: str, cutoff: dt.datetime) -> str:
    with translation.override(language):
        return deadlines.format_cutoff(cutoff)


def _hint(ctx: ChildContext, service: Service, day: dt.date, state: str, actions: list[Action], now) -> str:
    language = translation.get_language() or ""
    if Action.BOOK in actions:
        return _t(HINT_BOOK) % {"cutoff": _cutoff_text(language, ctx.booking_cutoff(service, day))}
    if Action.ABSENCE in actions:
        cutoff = ctx.cancel_cutoff(service, day)
        if deadlines.is_in_time(now, cutoff):
            return _t(HINT_ABSENCE) % {"cutoff": _cutoff_text(language, cutoff)}
        return _t(HINT_ABSENCE_LATE)
    if Action.CANCEL in actions:
        return _t(HINT_CANCEL)
    return ""


def build_cell(ctx: ChildContext, service: Service, day: dt.date, now: dt.datetime, *, agent: bool = False) -> GridCell:
    state = ctx.state(service, day)
    enrolled = ctx.inscription_on(service, day) is not None
    closure = ctx.closure_on(service, day) if state == FREE else None
    if state == FREE and (closure or not service.is_open_on(day) or not enrolled):
        if closure:
            symbol, label, css = closure.code, f"{closure.day_label} — {closure.label}", "st-closed"
        elif not enrolled:
            symbol, label, css = "", _t(NOT_ENROLLED), "st-off"
        else:
            symbol, label, css = "", _t(NO_SERVICE), "st-off"
        return GridCell(
            service.pk,
            day,
            "closed" if closure else "off",
            symbol,
            label,
            css,
            (),
            closure.label if closure else "",
            enrolled,
            closure.code if closure else "",
        )
    style = STATE_STYLES[state]
    actions = [] if agent else allowed_actions(ctx, service, day, now)
    return GridCell(
        service.pk,
        day,
        state,
        style.symbol,
        _state_labels(translation.get_language() or "")[state],
        style.css,
        tuple(str(a) for a in actions),
        _hint(ctx, service, day, state, actions, now) if not agent else "",
        enrolled,
    )


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
) -> MonthGrid:
    """One child's month: 3 queries whatever the number of services or days (2 when the
    page passes the child's `inscriptions`, loaded with `context.INSCRIPTION_RELATED`).

    `enfant` must be loaded with `context.ENFANT_RELATED` selected.
    """
    first, last = month_bounds(year, month)
    if not MIN_YEAR <= year <= MAX_YEAR:
        # Callers parse months with core.dates; a year near 1 or 9999 would overflow below.
        raise ValueError(f"month_grid: year {year} out of range")
    ctx = load_child_context(enfant, first, last, inscriptions=inscriptions)
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
        payer = next((i.responsable for i in ctx.inscriptions if i.service_id == service.pk), None)
        rows.append(
            GridRow(
                service=service,
                responsable=str(payer) if payer else "",
                cells=[build_cell(ctx, service, d.date, now, agent=agent) for d in days],
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
        legend=LEGEND,
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
    enfant: Enfant, keys: list[tuple[int, dt.date]], *, now: dt.datetime, agent: bool = False
) -> list[LoneCell]:
    """Fresh cells after an action, to swap in place. Three queries; a key for a service the
    child is not enrolled in is simply absent from the result."""
    keys = sorted(set(keys), key=lambda k: (k[1], k[0]))
    if not keys:
        return []
    ctx = load_child_context(enfant, keys[0][1], keys[-1][1], service_ids={s for s, _ in keys})
    today = local_today(now)
    result = []
    for service_id, day in keys:
        service = ctx.service(service_id)
        if service is not None:
            result.append(LoneCell(build_cell(ctx, service, day, now, agent=agent), grid_day(day, today), service.name))
    return result
