"""The planning's admin pages load for a superuser, in a number of queries that does not grow
with the rows listed (list_select_related does its job)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marelle.planning.models import (
    Cell,
    CellChange,
    CellState,
    ContratRegulier,
    DeadlineRule,
    Demande,
    DemandeLine,
    Inscription,
    PlanningDefaults,
    Service,
)
from tests import factories as f

MODELS = [DeadlineRule, PlanningDefaults, Service, Inscription, ContratRegulier, Cell, Demande, CellChange]
MAX_QUERIES = 15


@pytest.fixture
def admin_client(client, db):
    client.force_login(f.UserFactory(username="root@example.org", is_staff=True, is_superuser=True))
    return client


def add_rows(world, n: int, offset: int = 0) -> None:
    """`n` rows of every planning model, each pointing at its own related rows."""
    now = timezone.now()
    for i in range(offset, offset + n):
        commune = f.CommuneFactory()
        booking = DeadlineRule.objects.create(commune=commune, kind=DeadlineRule.Kind.WORKING_DAYS, days=1)
        cancel = DeadlineRule.objects.create(commune=commune, kind=DeadlineRule.Kind.HOURS_BEFORE, hours=48)
        PlanningDefaults.objects.create(commune=commune, booking_rule=booking, cancel_rule=cancel)
        enfant = f.EnfantFactory(famille=f.FamilleFactory(commune=commune))
        service = f.ServiceFactory(
            etablissement=enfant.etablissement, capacity=20, booking_rule=booking, cancel_rule=cancel
        )
        inscription = f.InscriptionFactory(enfant=enfant, service=service)
        ContratRegulier.objects.create(
            inscription=inscription, weekdays="0134", start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 7, 3)
        )
        day = dt.date(2026, 12, 7) + dt.timedelta(days=i)
        demande = Demande.objects.create(
            famille=enfant.famille,
            enfant=enfant,
            kind=Demande.Kind.RESERVATION,
            created_by=world.alice.user,
            created_at=now,
            decided_by=world.agent.user,
            decided_at=now,
            status=Demande.Status.ACCEPTED,
        )
        DemandeLine.objects.create(
            demande=demande, service=service, date=day, from_state="free", to_state=CellState.BOOKED
        )
        Cell.objects.create(
            enfant=enfant, service=service, date=day, state=CellState.BOOKED, state_since=now, demande=demande
        )
        CellChange.objects.create(
            enfant=enfant,
            service=service,
            date=day,
            from_state="free",
            to_state=CellState.BOOKED,
            actor=world.agent.user,
            at=now,
            demande=demande,
        )


def changelist_queries(client, model) -> int:
    url = reverse(f"admin:planning_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_changelists_load_in_a_bounded_number_of_queries(admin_client, world):
    add_rows(world, 2)
    few = {model: changelist_queries(admin_client, model) for model in MODELS}
    add_rows(world, 6, offset=2)
    many = {model: changelist_queries(admin_client, model) for model in MODELS}
    assert many == few  # no query per row
    assert max(many.values()) <= MAX_QUERIES, many


def test_rules_are_listed_in_plain_french(admin_client, world):
    add_rows(world, 1)
    response = admin_client.get(reverse("admin:planning_service_changelist"))
    text = response.content.decode()
    assert "1 jour ouvré avant jusqu&#x27;à 23:59" in text
    assert "jusqu&#x27;à 48 heures avant le début du service" in text
    response = admin_client.get(reverse("admin:planning_deadlinerule_changelist"))
    assert "1 jour ouvré avant jusqu&#x27;à 23:59" in response.content.decode()


def test_change_pages_load_and_demandes_are_read_only(admin_client, world):
    add_rows(world, 1)
    for model in MODELS:
        obj = model.objects.first()
        response = admin_client.get(reverse(f"admin:planning_{model._meta.model_name}_change", args=[obj.pk]))
        assert response.status_code == 200, model
    demande = Demande.objects.get()
    url = reverse("admin:planning_demande_change", args=[demande.pk])
    admin_client.post(url, {"status": Demande.Status.REFUSED})
    demande.refresh_from_db()
    assert demande.status == Demande.Status.ACCEPTED
    assert admin_client.get(reverse("admin:planning_demande_add")).status_code == 403
    assert admin_client.get(reverse("admin:planning_cell_add")).status_code == 403
    assert admin_client.get(reverse("admin:planning_deadlinerule_add")).status_code == 200


def test_service_list_says_when_the_commune_default_applies(admin_client, world):
    f.ServiceFactory(etablissement=world.etablissement, name="GARDERIE SOIR")
    response = admin_client.get(reverse("admin:planning_service_changelist"))
    assert "délai par défaut de la commune" in response.content.decode()
    assert Service.objects.count() == 1
