"""The pointage sheet through HTTP: each post is one action, as on the phone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from marelle.planning.models import Cell, CellState
from tests import factories as f
from tests.attendance.test_services import DAY, T


@pytest.fixture
def garderie(world):
    service = f.ServiceFactory(
        etablissement=world.etablissement, name="GARDERIE SOIR", weekdays="01234", tracks_times=True
    )
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    return service


@pytest.fixture
def sheet_url(garderie):
    return reverse("backoffice:pointage_sheet", args=[garderie.pk, DAY.isoformat()])


@pytest.fixture(autouse=True)
def _on_the_day():
    with time_machine.travel(dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_sheet_shows_the_allergy_flag(agent_client, world, garderie, sheet_url):
    world.enfant.allergies = "arachide"
    world.enfant.save()
    f.CellFactory(enfant=world.enfant, service=garderie, date=DAY, state=CellState.BOOKED)
    page = agent_client.get(sheet_url).content.decode()
    assert "arachide" in page and "Présent" in page


def test_a_day_of_pointage(agent_client, world, garderie, sheet_url):
    f.CellFactory(enfant=world.enfant, service=garderie, date=DAY, state=CellState.BOOKED)
    walk_in = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement, prenom="Léo")
    f.InscriptionFactory(enfant=walk_in, service=garderie, school_year=world.school_year, responsable=world.alice)

    agent_client.post(sheet_url, {"action": "present", "enfant": world.enfant.pk, "arrival": "16:35"})
    agent_client.post(sheet_url, {"action": "add", "enfant": walk_in.pk, "arrival": "16:50"})
    agent_client.post(sheet_url, {"action": "times", "enfant": world.enfant.pk, "departure": "18:10"})
    response = agent_client.post(sheet_url, {"action": "close"}, follow=True)
    assert "Feuille clôturée" in response.content.decode()

    mine = Cell.objects.get(enfant=world.enfant, service=garderie, date=DAY)
    assert (mine.state, mine.arrival, mine.departure) == (CellState.PRESENT, T(16, 35), T(18, 10))
    # Out of contract is not turned into an error: docs/domain.md#transitions names "present" only.
    assert Cell.objects.get(enfant=walk_in, service=garderie, date=DAY).state == CellState.OUT_OF_CONTRACT


def test_refused_action_is_a_message_not_an_error_page(agent_client, world, garderie, sheet_url):
    response = agent_client.post(sheet_url, {"action": "present", "enfant": world.enfant.pk}, follow=True)
    assert response.status_code == 200
    assert "pas attendu" in response.content.decode()


def test_agent_fixes_an_error_from_the_sheet(agent_client, world, garderie, sheet_url):
    f.CellFactory(enfant=world.enfant, service=garderie, date=DAY, state=CellState.PRESENT, arrival=T(16, 35))
    agent_client.post(sheet_url, {"action": "close"})
    assert Cell.objects.get(service=garderie, date=DAY).state == CellState.ERROR
    page = agent_client.get(sheet_url).content.decode()
    assert "Corriger" in page
    agent_client.post(sheet_url, {"action": "fix", "enfant": world.enfant.pk, "arrival": "16:35", "departure": "18:00"})
    assert Cell.objects.get(service=garderie, date=DAY).state == CellState.PRESENT


def test_a_bad_date_in_the_url_is_a_404(agent_client, garderie):
    assert agent_client.get(f"/gestion/pointage/{garderie.pk}/2026-13-45/").status_code == 404
