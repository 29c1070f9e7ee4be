import datetime as dt

import pytest
from django.utils import translation

from marelle.families.models import Enfant
from marelle.planning.context import ENFANT_RELATED
from marelle.planning.models import CellState
from marelle.planning.selectors import CLOSED_DAY, month_grid
from tests import factories as f
from tests.planning.conftest import paris

NOW = paris(2026, 12, 4, 10, 0)


@pytest.fixture(autouse=True)
def _french():
    """The texts below are French: whatever language an earlier test left active."""
    with translation.override("fr"):
        yield


def load(enfant):
    return Enfant.objects.select_related(*ENFANT_RELATED).get(pk=enfant.pk)


def enrol(world, n):
    services = []
    for i in range(n):
        service = f.ServiceFactory(etablissement=world.etablissement, name=f"S{i}", position=i)
        f.InscriptionFactory(
            enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice
        )
        f.CellFactory(enfant=world.enfant, service=service, date=dt.date(2026, 12, 14), state=CellState.BOOKED)
        f.CellFactory(enfant=world.enfant, service=service, date=dt.date(2027, 2, 15), state=CellState.BOOKED)
        services.append(service)
    f.ClosureFactory(commune=world.commune, start_date=dt.date(2026, 12, 19), end_date=dt.date(2027, 1, 3))
    return services


@pytest.mark.parametrize(("services", "month"), [(1, (2027, 2)), (4, (2027, 2)), (1, (2026, 12)), (4, (2026, 12))])
def test_month_grid_query_count_is_constant(world, django_assert_max_num_queries, services, month):
    enrol(world, services)
    enfant = load(world.enfant)
    with django_assert_max_num_queries(3):
        grid = month_grid(enfant, *month, now=NOW)
    assert len(grid.rows) == services
    assert len(grid.days) == (28 if month == (2027, 2) else 31)


def test_grid_shows_states_closures_and_deadlines(world):
    (service,) = enrol(world, 1)
    grid = month_grid(load(world.enfant), 2026, 12, now=NOW)
    row = grid.rows[0]
    by_day = {c.date: c for c in row.cells}
    assert grid.title == "Décembre 2026"
    assert grid.days[0].label == "Ma 01"
    booked = by_day[dt.date(2026, 12, 14)]
    assert booked.state == CellState.BOOKED
    assert booked.actions == ("absence",)
    assert (booked.cutoff, booked.late) == (paris(2026, 12, 12, 23, 59), False)
    free = by_day[dt.date(2026, 12, 7)]
    assert free.actions == ("book",)
    assert free.cutoff == paris(2026, 12, 5, 23, 59)
    closed = by_day[dt.date(2026, 12, 21)]
    assert (closed.state, closed.actions, closed.cutoff) == (CLOSED_DAY, (), None)
    assert closed.closure.code == "F"
    past = by_day[dt.date(2026, 12, 3)]
    assert (past.actions, past.cutoff) == ((), None)
    assert row.responsable == str(world.alice)


def test_cells_are_data_not_presentation(world):
    """The selector says what a cell is; its class, symbol, label and hint are presentation's."""
    enrol(world, 1)
    cell = month_grid(load(world.enfant), 2026, 12, now=NOW).rows[0].cells[13]
    assert not {"css", "symbol", "label", "hint"} & set(vars(cell))
    assert not hasattr(month_grid(load(world.enfant), 2026, 12, now=NOW), "legend")


def test_agent_mode_offers_no_action_and_no_deadline(world):
    enrol(world, 1)
    grid = month_grid(load(world.enfant), 2026, 12, now=NOW, agent=True)
    assert {(c.actions, c.cutoff) for c in grid.rows[0].cells} == {((), None)}


def test_filters_keep_only_matching_rows(world):
    services = enrol(world, 3)
    grid = month_grid(load(world.enfant), 2026, 12, now=NOW, service_id=services[1].pk)
    assert [r.service for r in grid.rows] == [services[1]]
    f.CellFactory(enfant=world.enfant, service=services[2], date=dt.date(2026, 12, 1), state=CellState.ERROR)
    grid = month_grid(load(world.enfant), 2026, 12, now=NOW, missing_attendance=True)
    assert [r.service for r in grid.rows] == [services[2]]
