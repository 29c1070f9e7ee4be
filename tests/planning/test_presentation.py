"""How states look: one definition for the parent's grid, the agent's grid and the legends."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import translation

from marelle.planning import presentation
from marelle.planning.context import ClosureInfo
from marelle.planning.models import FREE, CellState
from marelle.planning.presentation import FULL_LEGEND, LEGEND, STATE_STYLES, cell_look, state_label, style_for
from marelle.planning.selectors import CLOSED_DAY, OFF_DAY, GridCell
from tests.planning.conftest import paris

DAY = dt.date(2026, 12, 14)
CUTOFF = paris(2026, 12, 12, 23, 59)
NOEL = ClosureInfo(DAY, DAY, "Noël", "F", "Jour férié / fermeture", "#ccc", None, frozenset())


@pytest.fixture(autouse=True)
def _french():
    """The texts below are French: whatever language an earlier test left active."""
    with translation.override("fr"):
        yield


def cell(state, actions=(), **kwargs):
    return GridCell(1, DAY, state, tuple(actions), kwargs.pop("enrolled", True), **kwargs)


def test_every_state_has_a_symbol_and_its_own_class():
    """Never colour alone: each state also shows a symbol or letters, so it prints in black and white."""
    assert set(STATE_STYLES) == {FREE, *CellState.values}
    stored = [STATE_STYLES[s] for s in CellState.values]
    assert all(style.symbol for style in stored)
    assert len({style.css for style in STATE_STYLES.values()}) == len(STATE_STYLES)
    assert STATE_STYLES[CellState.ABSENCE_EXCUSED].css == "st-absence-excused"


def test_the_legends_show_every_state_but_free():
    assert sorted(s.state for s in LEGEND) == sorted(CellState.values)
    assert FULL_LEGEND[0].css == "st-free" and str(FULL_LEGEND[0].label) == "Libre (réservable)"
    assert (FULL_LEGEND[1].css, FULL_LEGEND[1].symbol) == ("st-free st-locked", "⊘")  # free but too late
    assert FULL_LEGEND[2 : 2 + len(LEGEND)] == LEGEND
    assert [(e.css, e.symbol) for e in FULL_LEGEND[-3:]] == [("st-closed", "F"), ("st-closed", "P"), ("st-off", "")]


def test_a_cell_reads_its_state_and_until_when_it_can_change():
    look = cell(CellState.BOOKED, ["absence"], cutoff=CUTOFF)
    assert cell_look(look) == ("st-booked", "✓", "Réservé", "absence sans frais jusqu'au samedi 12 décembre à 23:59")
    assert cell_look(look).spoken == "Réservé — absence sans frais jusqu'au samedi 12 décembre à 23:59"
    assert cell_look(cell(FREE, ["book"], cutoff=CUTOFF)).hint == "réservable jusqu'au samedi 12 décembre à 23:59"
    late = cell_look(cell(CellState.BOOKED, ["absence"], cutoff=CUTOFF, late=True))
    assert late.hint == "délai d'absence dépassé : une absence sera examinée par la mairie"
    assert cell_look(cell(CellState.PENDING, ["cancel"])).hint == "demande annulable tant qu'elle n'est pas traitée"
    assert cell_look(cell(CellState.PRESENT)) == ("st-present", "●", "Présent", "")
    assert cell_look(cell(CellState.PRESENT)).spoken == "Présent"


def test_days_without_a_service_read_as_such():
    closed = cell_look(cell(CLOSED_DAY, closure=NOEL))
    assert closed == ("st-closed", "F", "Jour férié / fermeture — Noël", "")
    assert cell_look(cell(OFF_DAY, enrolled=False)) == ("st-off", "", "non inscrit", "")
    assert cell_look(cell(OFF_DAY)) == ("st-off", "", "pas de service ce jour", "")
    # A day an agent closed by hand is a stored state: its own symbol, and no hint.
    assert cell_look(cell(CellState.CLOSED, ["cancel"])) == ("st-closed", "Fe", "Fermeture", "")


def test_looks_speak_the_readers_language():
    with translation.override("en"):
        look = cell_look(cell(FREE, ["book"], cutoff=CUTOFF))
        assert look.label == "Free" and look.hint.startswith("bookable until Saturday 12 December")
        assert state_label(CellState.ABSENCE_EXCUSED) == "Excused absence"
    assert state_label(CellState.ABSENCE_EXCUSED) == "Absent excusé"
    assert state_label("no-such-state") == "no-such-state"
    assert style_for("no-such-state") is None


def test_a_month_of_cells_is_translated_once_per_language_not_once_per_cell():
    cells = [
        cell(s, a, cutoff=CUTOFF + dt.timedelta(days=i % 3))
        for i in range(124)
        for s, a in [(FREE, ["book"]), (CellState.BOOKED, ["absence"])][i % 2 : i % 2 + 1]
    ]
    presentation._translated.cache_clear()
    for language in ("fr", "en"):
        with translation.override(language), mock.patch.object(presentation, "_", wraps=presentation._) as gettext:
            looks = [cell_look(c) for c in cells]
        assert gettext.call_count == 2  # the two hints' sentences, once each
        assert len({look.hint for look in looks}) == 6
