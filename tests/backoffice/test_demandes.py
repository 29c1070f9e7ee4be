"""File des demandes: filters, places left, decisions one by one and in bulk, idempotence, capacity."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marelle.planning.models import Cell, CellChange, CellState, Demande
from tests import factories as f
from tests.backoffice.conftest import DAY, make_pending_demande

DECIDE = reverse("backoffice:demandes_decide")


def _demandes(enfant, service, n, start=DAY):
    return [make_pending_demande(enfant, service, start + dt.timedelta(days=i)) for i in range(n)]


def test_queue_lists_pending_demandes_with_places_left(agent_client, world, bo):
    make_pending_demande(world.enfant, bo.cantine)
    other_child = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement)
    f.CellFactory(enfant=other_child, service=bo.cantine, date=DAY, state=CellState.BOOKED)
    page = agent_client.get(reverse("backoffice:demandes")).content.decode()
    assert "COMMUNE" in page
    # capacity 30, one booked: the pending demande does not take a place yet.
    assert "29 places restantes" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "absence"}, {"absence"}),
        ({"kind": "reservation"}, {"early", "late", "other"}),
        ({"du": "2026-12-11"}, {"late"}),
        ({"au": "2026-12-08"}, {"early", "absence"}),
        ({"service": "OTHER"}, {"other"}),
        ({"etablissement": "OTHER"}, {"other"}),
    ],
)
def test_filters(agent_client, world, bo, params, expected):
    other_etab = f.EtablissementFactory(commune=world.commune, name="École du Haut")
    other_service = f.ServiceFactory(etablissement=other_etab, name="GARDERIE HAUT")
    demandes = {
        "early": make_pending_demande(world.enfant, bo.cantine, DAY),
        "late": make_pending_demande(world.enfant, bo.cantine, DAY + dt.timedelta(days=7)),
        "absence": make_pending_demande(world.enfant, bo.cantine, DAY + dt.timedelta(days=1), Demande.Kind.ABSENCE),
        "other": make_pending_demande(world.enfant, other_service, DAY + dt.timedelta(days=3)),
    }
    if params.get("service") == "OTHER":
        params = {"service": other_service.pk}
    if params.get("etablissement") == "OTHER":
        params = {"etablissement": other_etab.pk}
    response = agent_client.get(reverse("backoffice:demandes"), params)
    shown = {d.pk for d in response.context["page"].object_list}
    assert shown == {demandes[k].pk for k in expected}


def test_accept_one_books_the_cell_audits_and_emails_after_commit(
    agent_client, world, bo, django_capture_on_commit_callbacks
):
    demande = make_pending_demande(world.enfant, bo.cantine)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(DECIDE, {"accept_one": demande.pk})
    assert response.status_code == 302
    demande.refresh_from_db()
    assert demande.status == Demande.Status.ACCEPTED
    assert demande.decided_by == world.agent.user
    assert Cell.objects.get(demande=demande).state == CellState.BOOKED
    change = CellChange.objects.get(demande=demande, to_state=CellState.BOOKED)
    assert change.actor == world.agent.user
    assert len(mail.outbox) == 1
    assert world.alice.email in mail.outbox[0].to


def test_refusal_needs_a_reason(agent_client, world, bo):
    demande = make_pending_demande(world.enfant, bo.cantine)
    response = agent_client.post(DECIDE, {"ids": [demande.pk], "decision": "refuse"}, follow=True)
    assert "motif du refus" in response.content.decode()
    demande.refresh_from_db()
    assert demande.status == Demande.Status.PENDING
    agent_client.post(DECIDE, {"ids": [demande.pk], "decision": "refuse", "comment": "Complet ce jour-là"})
    demande.refresh_from_db()
    assert demande.status == Demande.Status.REFUSED
    assert demande.agent_comment == "Complet ce jour-là"
    assert Cell.objects.get(demande=demande).state == CellState.REFUSED


@pytest.mark.parametrize(
    ("decision", "state"), [("accept", CellState.ABSENCE_EXCUSED), ("refuse", CellState.ABSENCE_BILLED)]
)
def test_late_absence_becomes_excused_or_billed(agent_client, world, bo, decision, state):
    demande = make_pending_demande(world.enfant, bo.cantine, kind=Demande.Kind.ABSENCE)
    agent_client.post(DECIDE, {"ids": [demande.pk], "decision": decision, "comment": "certificat"})
    assert Cell.objects.get(demande=demande).state == state


def test_a_late_absence_rows_button_excuses_it(agent_client, world, bo):
    demande = make_pending_demande(world.enfant, bo.cantine, kind=Demande.Kind.ABSENCE)
    page = agent_client.get(reverse("backoffice:demandes")).content.decode()
    assert "Absent excusé" in page and "Absent facturé" in page
    agent_client.post(DECIDE, {"accept_one": demande.pk})
    assert Cell.objects.get(demande=demande).state == CellState.ABSENCE_EXCUSED


def test_deciding_twice_is_a_no_op(agent_client, world, bo):
    demande = make_pending_demande(world.enfant, bo.cantine)
    agent_client.post(DECIDE, {"ids": [demande.pk], "decision": "accept"})
    changes = CellChange.objects.count()
    response = agent_client.post(DECIDE, {"ids": [demande.pk], "decision": "refuse", "comment": "non"}, follow=True)
    assert "déjà traitée" in response.content.decode()
    demande.refresh_from_db()
    assert demande.status == Demande.Status.ACCEPTED
    assert Cell.objects.get(demande=demande).state == CellState.BOOKED
    assert CellChange.objects.count() == changes


def test_bulk_accept_of_200_demandes_in_constant_queries(agent_client, world, bo, django_assert_max_num_queries):
    bo.cantine.capacity = None
    bo.cantine.save()
    small = _demandes(world.enfant, bo.cantine, 20)
    big = _demandes(world.enfant, bo.cantine, 200, start=DAY + dt.timedelta(days=40))
    agent_client.get(reverse("backoffice:dashboard"))  # warm the session
    with CaptureQueriesContext(connection) as twenty:
        agent_client.post(DECIDE, {"ids": [d.pk for d in small], "decision": "accept"})
    assert Demande.objects.filter(pk__in=[d.pk for d in small], status=Demande.Status.ACCEPTED).count() == 20
    # SQLite caps a statement at 999 parameters, so Django splits a bulk insert into batches
    # (one more INSERT per ~110 audit lines); PostgreSQL sends each bulk statement at once.
    fields = [f for f in CellChange._meta.concrete_fields if not f.primary_key]
    batch = connection.ops.bulk_batch_size(fields, [None] * 200) or 200
    slack = math.ceil(200 / batch) - math.ceil(20 / batch)
    with django_assert_max_num_queries(len(twenty.captured_queries) + slack):
        response = agent_client.post(DECIDE, {"ids": [d.pk for d in big], "decision": "accept"})
    assert response.status_code == 302
    assert Demande.objects.filter(pk__in=[d.pk for d in big], status=Demande.Status.ACCEPTED).count() == 200
    assert Cell.objects.filter(demande__in=big, state=CellState.BOOKED).count() == 200


def test_accepting_beyond_capacity_asks_for_confirmation(agent_client, world, bo):
    bo.cantine.capacity = 1
    bo.cantine.save()
    first = make_pending_demande(world.enfant, bo.cantine)
    sibling = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement)
    second = make_pending_demande(sibling, bo.cantine)
    response = agent_client.post(DECIDE, {"ids": [first.pk, second.pk], "decision": "accept"})
    assert response.status_code == 409
    assert "Confirmer" in response.content.decode()
    assert Demande.objects.filter(status=Demande.Status.PENDING).count() >= 2
    agent_client.post(DECIDE, {"ids": [first.pk, second.pk], "decision": "accept", "force": "1"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == Demande.Status.ACCEPTED
    assert Cell.objects.filter(service=bo.cantine, date=DAY, state=CellState.BOOKED).count() == 2


def test_a_parents_real_demande_is_accepted_from_the_queue(agent_client, world, bo):
    """End to end with the parent's service: demande_submit, then the agent's queue."""
    from marelle.planning.rules import Action
    from marelle.planning.services import demande_submit
    from tests.backoffice.conftest import paris

    result = demande_submit(
        actor=world.alice.user,
        enfant=world.enfant,
        action=Action.BOOK,
        cells=[(bo.cantine.pk, DAY)],
        now=paris(2026, 12, 1, 10, 0),
    )
    page = agent_client.get(reverse("backoffice:demandes")).content.decode()
    assert f'value="{result.demande.pk}"' in page
    agent_client.post(DECIDE, {"accept_one": result.demande.pk})
    assert Cell.objects.get(enfant=world.enfant, service=bo.cantine, date=DAY).state == CellState.BOOKED
