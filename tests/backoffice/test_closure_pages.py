"""The closure deletion pages: confirm, delete with or without restoring, through the
service (its rules are tested in tests/planning/test_closures.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from marelle.audit.models import LogEntry
from marelle.planning.models import Cell, CellChange, CellState, Demande
from marelle.territory.models import Closure, Commune
from tests import factories as f
from tests.backoffice.conftest import DAY, make_pending_demande

TUESDAY = DAY + dt.timedelta(days=1)
THURSDAY = DAY + dt.timedelta(days=3)


@pytest.fixture
def closed(agent_client, world, bo, django_capture_on_commit_callbacks):
    """Monday booked, Tuesday pending, Thursday waiting; then a closure Monday–Thursday."""
    f.CellFactory(enfant=world.enfant, service=bo.cantine, date=DAY, state=CellState.BOOKED, from_contrat=True)
    demande = make_pending_demande(world.enfant, bo.cantine, TUESDAY)
    sibling = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement, prenom="Léa")
    f.InscriptionFactory(enfant=sibling, service=bo.cantine, school_year=world.school_year, responsable=world.alice)
    f.CellFactory(enfant=sibling, service=bo.cantine, date=THURSDAY, state=CellState.WAITING)
    day_type = f.DayTypeFactory(commune=world.commune, code="G")
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(
            reverse("backoffice:calendrier_commune", args=[world.commune.pk]),
            {
                "form": "closure",
                "cl-label": "Grève",
                "cl-start_date": DAY.isoformat(),
                "cl-end_date": THURSDAY.isoformat(),
                "cl-day_type": day_type.pk,
            },
        )
    closure = Closure.objects.get(label="Grève")
    assert set(_ours().values_list("state", flat=True)) == {CellState.CLOSED}
    demande.refresh_from_db()
    assert demande.status == Demande.Status.REFUSED
    mail.outbox.clear()
    return closure, sibling


def _ours():
    return Cell.objects.filter(enfant__famille__commune__slug="chatte")


def _delete(client, closure, restore: bool, capture):
    data = {"restore": "on"} if restore else {}
    with capture(execute=True):
        return client.post(reverse("backoffice:closure_delete", args=[closure.pk]), data)


def test_confirmation_page_counts_the_closed_days(agent_client, closed):
    closure, _ = closed
    response = agent_client.get(reverse("backoffice:closure_delete", args=[closure.pk]))
    assert response.status_code == 200
    assert response.context["closed"] == 3
    assert "Rétablir les réservations" in response.content.decode()


def test_without_restoring_the_days_stay_closed(agent_client, world, bo, closed, django_capture_on_commit_callbacks):
    closure, _ = closed
    changes = CellChange.objects.count()
    response = _delete(agent_client, closure, False, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert not Closure.objects.filter(pk=closure.pk).exists()
    assert set(_ours().values_list("state", flat=True)) == {CellState.CLOSED}
    assert CellChange.objects.count() == changes
    assert mail.outbox == []
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Commune), action="closure.deleted")
    assert entry.actor == world.agent.user
    assert entry.data["kept"] == 3 and entry.data["restore"] is False
    assert entry.data["closure"]["label"] == "Grève"


def test_restoring_gives_back_bookings_and_frees_refused_demandes(
    agent_client, world, bo, closed, django_capture_on_commit_callbacks
):
    closure, sibling = closed
    response = _delete(agent_client, closure, True, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    monday = Cell.objects.get(enfant=world.enfant, date=DAY)
    assert monday.state == CellState.BOOKED
    assert monday.from_contrat  # still a contract booking
    assert not Cell.objects.filter(enfant=world.enfant, date=TUESDAY).exists()  # was pending: Libre
    assert not Cell.objects.filter(enfant=sibling, date=THURSDAY).exists()  # was waiting: Libre
    # One audit line per cell written, by the agent, with the reason.
    restored = CellChange.objects.filter(reason="Fermeture supprimée : Grève")
    assert sorted((c.date, c.from_state, c.to_state) for c in restored) == [
        (DAY, CellState.CLOSED, CellState.BOOKED),
        (TUESDAY, CellState.CLOSED, "free"),
        (THURSDAY, CellState.CLOSED, "free"),
    ]
    assert {c.actor for c in restored} == {world.agent.user}
    assert len(mail.outbox) == 1 and "rétablies" in mail.outbox[0].body and "COMMUNE" in mail.outbox[0].body
    entry = LogEntry.objects.get(action="closure.deleted")
    assert (entry.data["restored"], entry.data["freed"], entry.data["kept"]) == (1, 2, 0)


def test_an_imported_closure_can_be_deleted(agent_client, world, django_capture_on_commit_callbacks):
    closure = f.ClosureFactory(commune=world.commune, source=Closure.Source.PUBLIC_HOLIDAYS)
    page = agent_client.get(reverse("backoffice:closure_delete", args=[closure.pk])).content.decode()
    assert "un nouvel import de la même année la recréera" in page
    response = _delete(agent_client, closure, False, django_capture_on_commit_callbacks)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert not Closure.objects.exists()


def test_the_calendar_links_each_closure_to_its_deletion(agent_client, world):
    closure = f.ClosureFactory(commune=world.commune)
    page = agent_client.get(reverse("backoffice:calendrier_commune", args=[world.commune.pk])).content.decode()
    assert reverse("backoffice:closure_delete", args=[closure.pk]) in page
