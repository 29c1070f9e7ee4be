"""How a planning state looks: its CSS class, its symbol, its label, and a cell's hint.

Defined once, here, for every screen that shows a state: the parent's grid and cell page,
the agent's grid, the legends, the demandes lists and the pointage sheet. No rule lives
here: the selectors say what a cell is (its state, the actions it allows, the cut-off that
applies); this module only says how that reads. A state is never shown by colour alone:
each has a symbol or letters too, so the grid prints in black and white.

The grid shows ~120 cells: their texts are translated once per language, not per cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from marelle.planning import deadlines
from marelle.planning.models import FREE, CellState
from marelle.planning.rules import Action
from marelle.planning.selectors import CLOSED_DAY, OFF_DAY, GridCell
from marelle.territory.models import is_default_day_type


@dataclass(frozen=True)
class StateStyle:
    state: str
    label: str
    symbol: str  # never colour alone: every state also has a symbol or letters

    @property
    def css(self) -> str:
        return css_class(self.state)


def css_class(state: str) -> str:
    return f"st-{state.replace('_', '-')}"


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


class LegendEntry(NamedTuple):
    css: str
    symbol: str
    label: str


# The agent's legend: the states a cell can take.
LEGEND: list[StateStyle] = [STATE_STYLES[s] for s in STATE_STYLES if s != FREE]
# The parent's: what a free cell means, the states, then the days without a service.
FREE_LOCKED_SYMBOL = "⊘"
FREE_LOCKED = gettext_noop("Libre, délai dépassé (plus réservable)")
FULL_LEGEND: list[StateStyle | LegendEntry] = [
    LegendEntry(css_class(FREE), "", gettext_lazy("Libre (réservable)")),
    LegendEntry(f"{css_class(FREE)} st-locked", FREE_LOCKED_SYMBOL, gettext_lazy(FREE_LOCKED)),
    *LEGEND,
    LegendEntry(css_class(CLOSED_DAY), "F", gettext_lazy("Jour férié / fermeture")),
    LegendEntry(css_class(CLOSED_DAY), "P", gettext_lazy("Période sans accueil (vacances)")),
    LegendEntry(css_class(OFF_DAY), "", gettext_lazy("Pas de service ce jour / non inscrit")),
]


def style_for(state: str) -> StateStyle | None:
    return STATE_STYLES.get(state)


def state_label(state: str) -> str:
    """The state's label in the active language; an unknown state reads as its code."""
    return _state_labels(translation.get_language() or "").get(state, state)


def parent_look(cell: GridCell, language: str | None = None) -> CellLook:
    """A cell as the parent's grid shows it: a free day that can no longer be booked has its
    own symbol and name, so that it never reads as a bookable free day (nor in forced
    colours or in print, where the background is gone)."""
    look = cell_look(cell, language)
    if cell.state == FREE and not cell.actions and cell.closure is None:
        language = translation.get_language() or "" if language is None else language
        return CellLook(f"{look.css} st-locked", FREE_LOCKED_SYMBOL, _translated(language, FREE_LOCKED), "")
    return look


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


@lru_cache(maxsize=8)
def _state_labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {state: str(style.label) for state, style in STATE_STYLES.items()}


@lru_cache(maxsize=4096)
def _cutoff_text(language: str, cutoff: dt.datetime) -> str:
    with translation.override(language):
        return deadlines.format_cutoff(cutoff)


class CellLook(NamedTuple):
    """What a grid cell shows: its class, symbol, the label a screen reader says, and the
    hint (until when it can be changed, or why not)."""

    css: str
    symbol: str
    label: str
    hint: str

    @property
    def spoken(self) -> str:
        """What the cell's name says after its day: the state, with the letters the cell shows
        ("Absent excusé (AE)", so that a voice-control user can say what they see: WCAG 2.5.3,
        label in name; a lone symbol such as ✓ is not read), then the hint."""
        label = f"{self.label} ({self.symbol})" if any(c.isalpha() for c in self.symbol) else self.label
        return f"{label} — {self.hint}" if self.hint else label


def hint_text(cell: GridCell, language: str) -> str:
    actions = cell.actions
    if Action.BOOK in actions:
        return _translated(language, HINT_BOOK) % {"cutoff": _cutoff_text(language, cell.cutoff)}
    if Action.ABSENCE in actions:
        if cell.late:
            return _translated(language, HINT_ABSENCE_LATE)
        return _translated(language, HINT_ABSENCE) % {"cutoff": _cutoff_text(language, cell.cutoff)}
    if Action.CANCEL in actions:
        return _translated(language, HINT_CANCEL)
    return ""


def cell_look(cell: GridCell, language: str | None = None) -> CellLook:
    """`language` defaults to the active one (a whole grid passes it once)."""
    language = translation.get_language() or "" if language is None else language
    closure = cell.closure
    if closure is not None:  # the day type's code ("F", "P"…) is the symbol
        day_label = closure.day_label
        if is_default_day_type(closure.code, day_label):
            day_label = _translated(language, day_label)
        return CellLook(css_class(CLOSED_DAY), closure.code, f"{day_label} — {closure.label}", "")
    if cell.state == OFF_DAY:
        label = _translated(language, NO_SERVICE if cell.enrolled else NOT_ENROLLED)
        return CellLook(css_class(OFF_DAY), "", label, "")
    style = STATE_STYLES[cell.state]
    # A day closed by an agent (a stored "closed" cell) reads like a closure: no hint.
    hint = "" if cell.state == CellState.CLOSED else hint_text(cell, language)
    return CellLook(style.css, style.symbol, _state_labels(language)[cell.state], hint)


def present_rows(rows) -> list[tuple]:
    """A grid's rows as (row, [(cell, look)…]), for a template that draws the cells itself."""
    language = translation.get_language() or ""
    return [(row, [(cell, cell_look(cell, language)) for cell in row.cells]) for row in rows]
