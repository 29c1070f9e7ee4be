"""Effectifs prévisionnels: the counting rule, the exports, and a property test: the export
equals the number of counted cells over the range, whatever the data."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from marelle.planning.headcounts import EXPECTED_STATES, headcounts
from marelle.planning.models import Cell, CellState
from tests import factories as f
from tests.backoffice.conftest import DAY

FIRST = DAY
LAST = DAY + dt.timedelta(days=13)


def _csv(client, **params) -> list[list[str]]:
    response = client.get(reverse("backoffice:effectifs_csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _xlsx(client, **params) -> list[tuple]:
    response = client.get(reverse("backoffice:effectifs_xlsx"), params)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def _data_rows(rows):
    return [r for r in rows[1:] if r[1] not in ("", None)]


def test_only_expected_states_are_counted(agent_client, world, bo):
    kids = [f.EnfantFactory(famille=world.famille, etablissement=world.etablissement) for _ in range(len(CellState))]
    for kid, state in zip(kids, CellState.values, strict=True):
        f.CellFactory(enfant=kid, service=bo.cantine, date=DAY, state=state)
    heads = headcounts(services=[bo.cantine], first=DAY, last=DAY)
    assert heads.count(DAY, bo.cantine.pk) == len(EXPECTED_STATES) == 5
    assert {CellState.BOOKED, CellState.ABSENCE_PENDING, CellState.PRESENT, CellState.OUT_OF_CONTRACT} <= set(
        EXPECTED_STATES
    )


def test_headcounts_take_one_query(world, bo, django_assert_num_queries):
    f.CellFactory(enfant=world.enfant, service=bo.cantine, date=DAY)
    with django_assert_num_queries(1):
        heads = headcounts(services=[bo.cantine], first=FIRST, last=LAST)
    assert heads.total == 1


def test_csv_and_xlsx_downloads_parse(agent_client, world, bo):
    f.CellFactory(enfant=world.enfant, service=bo.cantine, date=DAY)
    rows = _csv(agent_client, du=FIRST.isoformat(), au=LAST.isoformat())
    assert rows[0] == ["Date", "Établissement", "Service", "Effectif"]
    assert rows[1] == [DAY.isoformat(), "École de Chatte", "RESTAURATION", "1"]
    assert rows[-1][-2:] == ["Total de la période", "1"]
    sheet = _xlsx(agent_client, du=FIRST.isoformat(), au=LAST.isoformat())
    assert sheet[1][1:] == ("École de Chatte", "RESTAURATION", 1)
    assert sheet[1][0].date() == DAY
    assert sheet[-1][-1] == 1


def test_other_communes_are_not_exported(agent_client, world, bo):
    f.CellFactory(enfant=world.other_enfant, service=bo.other_service, date=DAY + dt.timedelta(days=1))
    rows = _csv(agent_client, du=FIRST.isoformat(), au=LAST.isoformat())
    assert "CANTINE TÊCHE" not in {r[2] for r in rows}


def test_a_reversed_range_is_refused(agent_client, bo):
    response = agent_client.get(reverse("backoffice:effectifs_csv"), {"du": "2026-12-10", "au": "2026-12-01"})
    assert response.status_code == 400


def test_printable_list_has_the_allergies(agent_client, world, bo):
    world.enfant.allergies = "gluten"
    world.enfant.save()
    f.CellFactory(enfant=world.enfant, service=bo.cantine, date=DAY)
    page = agent_client.get(reverse("backoffice:effectifs_liste", args=[bo.cantine.pk, DAY.isoformat()]))
    assert "gluten" in page.content.decode()


@pytest.fixture
def volume(world, bo):
    """A few children and services of the commune; the property test fills their cells."""
    garderie = f.ServiceFactory(etablissement=world.etablissement, name="GARDERIE")
    other_school = f.EtablissementFactory(commune=world.commune, name="École du Haut")
    haut = f.ServiceFactory(etablissement=other_school, name="CANTINE HAUT")
    kids = [f.EnfantFactory(famille=world.famille, etablissement=world.etablissement) for _ in range(4)]
    return kids, [bo.cantine, garderie, haut, bo.other_service]


cells_strategy = st.dictionaries(
    keys=st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(-3, 17)),  # child, service, day offset
    values=st.sampled_from(CellState.values),
    max_size=40,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=cells_strategy)
def test_export_equals_the_counted_cells(agent_client, volume, cells):
    kids, services = volume
    Cell.objects.filter(enfant__in=kids).delete()
    Cell.objects.bulk_create(
        Cell(
            enfant=kids[k],
            service=services[s],
            date=FIRST + dt.timedelta(days=d),
            state=state,
            state_since="2026-12-01T00:00Z",
        )
        for (k, s, d), state in cells.items()
    )
    own = services[:3]  # the fourth is another commune's: never exported
    expected = Cell.objects.filter(service__in=own, date__gte=FIRST, date__lte=LAST, state__in=EXPECTED_STATES).count()

    rows = _csv(agent_client, du=FIRST.isoformat(), au=LAST.isoformat())
    assert sum(int(r[3]) for r in _data_rows(rows)) == expected
    assert int(rows[-1][3]) == expected
    sheet = _xlsx(agent_client, du=FIRST.isoformat(), au=LAST.isoformat())
    assert sum(r[3] for r in _data_rows(sheet)) == expected
    assert sheet[-1][3] == expected
    for r in _data_rows(rows):
        day, service = dt.date.fromisoformat(r[0]), next(s for s in own if s.name == r[2])
        assert int(r[3]) == Cell.objects.filter(service=service, date=day, state__in=EXPECTED_STATES).count()
