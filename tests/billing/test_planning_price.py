"""The price of what is about to be booked, shown in the planning before the parent confirms."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marelle.billing.models import Tarif
from marelle.planning.models import CellState
from tests import factories as f
from tests.billing.factories import tarif_for
from tests.billing.test_runs import cells

NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def qf_620(world):
    world.famille.quotient_familial = 620
    world.famille.save()


def price(client, enfant, *keys):
    return client.get(
        reverse("portal:planning_price", args=[enfant.pk]), {"cells": list(keys)}, HTTP_X_REQUESTED_WITH="fetch"
    )


def key(service, day: str) -> str:
    return f"{service.pk}:{day}"


@pytest.mark.usefixtures("qf_620", "cantine_tarif")
def test_the_selection_shows_days_times_the_qf_price(alice_client, world, cantine):
    response = price(alice_client, world.enfant, key(cantine, "2026-12-07"), key(cantine, "2026-12-10"))
    assert response.status_code == 200
    assert response.json()["text"] == f"RESTAURATION : 2 jours × 3,20{NBSP}€ = 6,40{NBSP}€"


@pytest.mark.usefixtures("qf_620", "cantine_tarif")
def test_only_the_days_that_can_be_booked_are_priced(alice_client, world, cantine):
    cells(world.enfant, cantine, [dt.date(2026, 12, 8)], CellState.BOOKED)  # already booked
    response = price(
        alice_client,
        world.enfant,
        key(cantine, "2026-12-07"),
        key(cantine, "2026-12-08"),
        key(cantine, "2026-12-02"),  # past: cannot be booked any more
    )
    assert response.json()["text"] == f"RESTAURATION : 1 jour × 3,20{NBSP}€ = 3,20{NBSP}€"
    assert price(alice_client, world.enfant, key(cantine, "2026-12-08")).json()["text"] == ""


@pytest.mark.usefixtures("qf_620", "cantine_tarif")
def test_two_services_give_a_total(alice_client, world, cantine, garderie, regie):
    tarif_for(garderie, regie, prices=("0.50", "0.90", "1.20"), unit=Tarif.Unit.DAY)
    response = price(alice_client, world.enfant, key(cantine, "2026-12-07"), key(garderie, "2026-12-07"))
    text = response.json()["text"]
    assert text.startswith(f"GARDERIE MATIN : 1 jour × 0,90{NBSP}€ = 0,90{NBSP}€ ; RESTAURATION : 1 jour")
    assert text.endswith(f"total 4,10{NBSP}€")


def test_a_service_without_price_says_nothing(alice_client, world, cantine):
    assert price(alice_client, world.enfant, key(cantine, "2026-12-07")).json()["text"] == ""


def test_bad_cells_are_a_400_with_a_french_message(alice_client, world, cantine):
    response = price(alice_client, world.enfant, "n'importe quoi")
    assert response.status_code == 400 and response.json()["error"]
    response = price(alice_client, world.enfant, key(cantine, "0001-01-01"), key(cantine, "9999-12-31"))
    assert response.status_code == 400


def test_another_familys_child_is_a_404(alice_client, world, cantine):
    other = f.EnfantFactory(famille=world.bob.famille, etablissement=world.etablissement)
    assert price(alice_client, other, key(cantine, "2026-12-07")).status_code == 404


@pytest.mark.usefixtures("qf_620", "cantine_tarif")
def test_queries_do_not_grow_with_the_days(alice_client, world, cantine):
    days = [d for d in (dt.date(2026, 12, 7) + dt.timedelta(days=i) for i in range(20)) if d.weekday() in (0, 1, 3, 4)]
    counts = []
    for chosen in (days[:1], days):
        with CaptureQueriesContext(connection) as queries:
            assert price(alice_client, world.enfant, *(key(cantine, d.isoformat()) for d in chosen)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.usefixtures("qf_620", "cantine_tarif")
def test_the_cell_page_without_javascript_shows_the_price(alice_client, world, cantine):
    html = alice_client.get(
        reverse("portal:planning_cell", args=[world.enfant.pk]), {"cellule": key(cantine, "2026-12-07")}
    ).content.decode()
    assert f"RESTAURATION : 1 jour × 3,20{NBSP}€ = 3,20{NBSP}€" in html
