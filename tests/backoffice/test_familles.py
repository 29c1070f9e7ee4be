"""Families: search, the family page with history, and the child's planning in agent mode."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from marelle.audit.services import log_action
from marelle.planning.models import FREE, Cell, CellChange, CellState
from tests import factories as f
from tests.backoffice.conftest import DAY, make_pending_demande


@pytest.mark.parametrize("query", ["ztest", "381623867924", "COMMUNE", "pays"])
def test_search_by_name_numero_or_child(agent_client, world, query):
    response = agent_client.get(reverse("backoffice:familles"), {"q": query})
    assert [fam.pk for fam in response.context["results"]] == [world.famille.pk]


def test_family_page_shows_responsables_children_inscriptions_demandes_and_history(agent_client, world, bo):
    make_pending_demande(world.enfant, bo.cantine)
    CellChange.objects.create(
        enfant=world.enfant,
        service=bo.cantine,
        date=DAY,
        from_state=FREE,
        to_state=CellState.BOOKED,
        actor=world.agent.user,
        at=timezone.now(),
        reason="test",
    )
    log_action(obj=world.famille, action="Adresse modifiée", actor=world.agent.user)
    page = agent_client.get(reverse("backoffice:famille", args=[world.famille.pk])).content.decode()
    for text in ["ZTEST PAYS", "COMMUNE", "RESTAURATION", "réservation", "Adresse modifiée", "Réservé"]:
        assert text in page, text


def test_agent_sets_any_state_with_a_reason(agent_client, world, bo):
    url = reverse("backoffice:enfant_planning", args=[world.enfant.pk])
    response = agent_client.get(url, {"mois": "2026-12"})
    assert response.status_code == 200
    post = {"service": bo.cantine.pk, "date": "2026-12-07", "state": CellState.PARENTAL_LEAVE, "reason": "congé"}
    agent_client.post(url + "?mois=2026-12", post)
    assert Cell.objects.get(enfant=world.enfant, service=bo.cantine, date=DAY).state == CellState.PARENTAL_LEAVE
    change = CellChange.objects.get(enfant=world.enfant, date=DAY)
    assert (change.actor, change.reason) == (world.agent.user, "congé")


def test_setting_a_state_needs_a_reason(agent_client, world, bo):
    url = reverse("backoffice:enfant_planning", args=[world.enfant.pk])
    agent_client.post(url, {"service": bo.cantine.pk, "date": "2026-12-07", "state": CellState.BOOKED, "reason": ""})
    assert not Cell.objects.filter(enfant=world.enfant).exists()


def test_a_service_the_child_is_not_enrolled_in_is_refused(agent_client, world, bo):
    url = reverse("backoffice:enfant_planning", args=[world.enfant.pk])
    agent_client.post(url, {"service": bo.other_service.pk, "date": "2026-12-07", "state": "booked", "reason": "x"})
    assert not Cell.objects.filter(enfant=world.enfant).exists()


def test_agent_grid_links_each_cell_to_the_form(agent_client, world, bo):
    page = agent_client.get(reverse("backoffice:enfant_planning", args=[world.enfant.pk]), {"mois": "2026-12"})
    assert f"service={bo.cantine.pk}&amp;jour=2026-12-07" in page.content.decode()


def test_search_never_returns_another_communes_family(agent_client, world):
    f.FamilleFactory(commune=world.other_commune, numero="999999999")
    response = agent_client.get(reverse("backoffice:familles"), {"q": "999999999"})
    assert response.context["results"] == []


def test_clicking_a_cell_preselects_it_and_shows_its_state(agent_client, world, bo):
    f.CellFactory(enfant=world.enfant, service=bo.cantine, date=DAY, state=CellState.BOOKED)
    response = agent_client.get(
        reverse("backoffice:enfant_planning", args=[world.enfant.pk]),
        {"mois": "2026-12", "service": bo.cantine.pk, "jour": "2026-12-07"},
    )
    assert response.context["selected"].state == CellState.BOOKED
    assert "État actuel le lundi 7 décembre 2026" in response.content.decode()
