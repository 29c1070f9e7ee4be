"""Every pointage transition of docs/domain.md#transitions, and the ones that must be refused."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from marelle.attendance import services as attendance
from marelle.attendance.models import AttendanceSheet
from marelle.attendance.selectors import attendance_sheet
from marelle.planning.models import FREE, Cell, CellChange, CellState
from marelle.planning.services import PlanningError
from tests import factories as f

DAY = dt.date(2026, 12, 7)  # Monday
NOW = dt.datetime(2026, 12, 7, 18, 0, tzinfo=ZoneInfo("Europe/Paris"))
T = dt.time


@pytest.fixture
def garderie(world):
    service = f.ServiceFactory(
        etablissement=world.etablissement,
        name="GARDERIE SOIR",
        weekdays="01234",
        tracks_times=True,
        start_time=T(16, 30),
        end_time=T(18, 30),
    )
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    return service


@pytest.fixture
def cantine(world):
    service = f.ServiceFactory(etablissement=world.etablissement, name="RESTAURATION", weekdays="0134")
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    return service


def _cell(world, service, state):
    return f.CellFactory(enfant=world.enfant, service=service, date=DAY, state=state)


def _state(world, service) -> str:
    cell = Cell.objects.filter(enfant=world.enfant, service=service, date=DAY).first()
    return cell.state if cell else FREE


def _kw(world, service, **extra):
    return {"actor": world.agent.user, "service": service, "day": DAY, "enfant": world.enfant, "now": NOW, **extra}


def _last_change(world):
    return CellChange.objects.filter(enfant=world.enfant).order_by("-id").first()


def test_booked_to_present_is_audited(world, cantine):
    _cell(world, cantine, CellState.BOOKED)
    attendance.mark_present(**_kw(world, cantine))
    assert _state(world, cantine) == CellState.PRESENT
    change = _last_change(world)
    assert (change.from_state, change.to_state, change.actor) == (CellState.BOOKED, CellState.PRESENT, world.agent.user)


def test_present_with_arrival_time_on_a_garderie(world, garderie):
    _cell(world, garderie, CellState.BOOKED)
    cell = attendance.mark_present(**_kw(world, garderie, arrival=T(16, 40)))
    assert cell.state == CellState.PRESENT and cell.arrival == T(16, 40)


def test_a_present_tick_made_by_mistake_goes_back_to_booked(world, garderie):
    _cell(world, garderie, CellState.BOOKED)
    attendance.mark_present(**_kw(world, garderie, arrival=T(16, 40)))
    cell = attendance.unmark_present(**_kw(world, garderie))
    assert cell.state == CellState.BOOKED and cell.arrival is None


@pytest.mark.parametrize(
    "state", [FREE, CellState.PENDING, CellState.REFUSED, CellState.ABSENCE_EXCUSED, CellState.CLOSED]
)
def test_only_a_booked_child_can_be_ticked_present(world, cantine, state):
    if state != FREE:
        _cell(world, cantine, state)
    with pytest.raises(PlanningError):
        attendance.mark_present(**_kw(world, cantine))
    assert _state(world, cantine) == state


@pytest.mark.parametrize("state", [FREE, CellState.ABSENCE_EXCUSED])
def test_a_child_who_came_unbooked_is_out_of_contract(world, cantine, state):
    if state != FREE:
        _cell(world, cantine, state)
    cell = attendance.add_unbooked(**_kw(world, cantine))
    assert cell.state == CellState.OUT_OF_CONTRACT
    assert _last_change(world).from_state == state


@pytest.mark.parametrize("state", [CellState.BOOKED, CellState.PRESENT, CellState.REFUSED, CellState.ABSENCE_BILLED])
def test_adding_a_child_already_on_the_sheet_is_refused(world, cantine, state):
    _cell(world, cantine, state)
    with pytest.raises(PlanningError):
        attendance.add_unbooked(**_kw(world, cantine))


def test_a_child_not_enrolled_cannot_be_added(world, cantine):
    other = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement)
    with pytest.raises(PlanningError, match="inscrit"):
        attendance.add_unbooked(**{**_kw(world, cantine), "enfant": other})


def test_closing_bills_the_no_shows(world, cantine):
    _cell(world, cantine, CellState.BOOKED)
    result = attendance.close_sheet(actor=world.agent.user, service=cantine, day=DAY, now=NOW)
    assert (result.billed, result.errors) == (1, 0)
    assert _state(world, cantine) == CellState.ABSENCE_BILLED
    assert _last_change(world).reason.startswith("Pointage clôturé")


@pytest.mark.parametrize(
    ("arrival", "departure", "expected"),
    [
        (None, None, CellState.ERROR),
        (T(16, 40), None, CellState.ERROR),
        (None, T(18, 0), CellState.ERROR),
        (T(16, 40), T(18, 0), CellState.PRESENT),
    ],
)
def test_closing_turns_present_with_a_missing_time_into_error(world, garderie, arrival, departure, expected):
    f.CellFactory(
        enfant=world.enfant, service=garderie, date=DAY, state=CellState.PRESENT, arrival=arrival, departure=departure
    )
    attendance.close_sheet(actor=world.agent.user, service=garderie, day=DAY, now=NOW)
    assert _state(world, garderie) == expected


def test_closing_leaves_present_alone_where_times_are_not_tracked(world, cantine):
    _cell(world, cantine, CellState.PRESENT)
    attendance.close_sheet(actor=world.agent.user, service=cantine, day=DAY, now=NOW)
    assert _state(world, cantine) == CellState.PRESENT


@pytest.mark.parametrize("state", [CellState.OUT_OF_CONTRACT, CellState.ABSENCE_EXCUSED, CellState.ABSENCE_PENDING])
def test_closing_changes_nothing_else(world, cantine, state):
    _cell(world, cantine, state)
    attendance.close_sheet(actor=world.agent.user, service=cantine, day=DAY, now=NOW)
    assert _state(world, cantine) == state


def test_closing_twice_is_a_no_op_and_a_closed_sheet_refuses_ticks(world, cantine):
    _cell(world, cantine, CellState.BOOKED)
    attendance.close_sheet(actor=world.agent.user, service=cantine, day=DAY, now=NOW)
    changes = CellChange.objects.count()
    again = attendance.close_sheet(actor=world.agent.user, service=cantine, day=DAY, now=NOW)
    assert again.already_closed
    assert CellChange.objects.count() == changes
    assert AttendanceSheet.objects.filter(service=cantine, date=DAY).count() == 1
    with pytest.raises(PlanningError, match="clôturée"):
        attendance.add_unbooked(**_kw(world, cantine))


def test_the_parents_missing_attendance_filter_finds_the_error(world, garderie):
    from marelle.families.models import Enfant
    from marelle.planning.context import ENFANT_RELATED
    from marelle.planning.selectors import month_grid

    f.CellFactory(enfant=world.enfant, service=garderie, date=DAY, state=CellState.PRESENT, arrival=T(16, 40))
    attendance.close_sheet(actor=world.agent.user, service=garderie, day=DAY, now=NOW)
    enfant = Enfant.objects.select_related(*ENFANT_RELATED).get(pk=world.enfant.pk)
    grid = month_grid(enfant, 2026, 12, now=NOW, missing_attendance=True)
    assert [row.service for row in grid.rows] == [garderie]


def test_an_agent_fixes_an_error(world, garderie):
    f.CellFactory(enfant=world.enfant, service=garderie, date=DAY, state=CellState.ERROR, arrival=T(16, 40))
    attendance.close_sheet(actor=world.agent.user, service=garderie, day=DAY, now=NOW)
    cell = attendance.fix_error(**_kw(world, garderie, arrival=T(16, 40), departure=T(18, 5)))
    assert (cell.state, cell.arrival, cell.departure) == (CellState.PRESENT, T(16, 40), T(18, 5))
    assert _last_change(world).from_state == CellState.ERROR


def test_fixing_needs_an_error_and_both_times(world, garderie):
    _cell(world, garderie, CellState.PRESENT)
    with pytest.raises(PlanningError):
        attendance.fix_error(**_kw(world, garderie, arrival=T(16, 40), departure=T(18, 5)))
    with pytest.raises(PlanningError):
        attendance.fix_error(**_kw(world, garderie, arrival=T(16, 40), departure=None))


def test_departure_before_arrival_is_refused(world, garderie):
    _cell(world, garderie, CellState.BOOKED)
    attendance.mark_present(**_kw(world, garderie, arrival=T(17, 0)))
    with pytest.raises(PlanningError, match="départ"):
        attendance.set_times(**_kw(world, garderie, departure=T(16, 0)))
    attendance.set_times(**_kw(world, garderie, departure=T(18, 0)))
    assert Cell.objects.get(service=garderie, date=DAY).departure == T(18, 0)


def test_a_future_day_cannot_be_pointed(world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=DAY + dt.timedelta(days=1), state=CellState.BOOKED)
    with pytest.raises(PlanningError):
        attendance.mark_present(**{**_kw(world, cantine), "day": DAY + dt.timedelta(days=1)})
    with pytest.raises(PlanningError):
        attendance.close_sheet(actor=world.agent.user, service=cantine, day=DAY + dt.timedelta(days=1), now=NOW)


def test_the_sheet_lists_expected_children_and_who_may_be_added(world, cantine):
    sibling = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement, allergies="arachide")
    f.InscriptionFactory(enfant=sibling, service=cantine, school_year=world.school_year, responsable=world.alice)
    _cell(world, cantine, CellState.BOOKED)
    sheet = attendance_sheet(cantine, DAY)
    assert [line.enfant for line in sheet.lines] == [world.enfant]
    assert sheet.addable == [sibling]
    assert sheet.expected == 1 and sheet.present == 0
