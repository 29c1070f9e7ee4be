"""Separated parents on the planning: each acts on the services they pay, sees the other's
rows read-only; the server refuses what the page does not offer. Shared access: both act on all."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from marelle.planning.models import Cell, CellChange, CellState, Demande
from marelle.planning.rules import NOT_PAYER, Action
from marelle.planning.services import PlanningError, demande_preview, demande_submit
from tests import factories as f
from tests.portal_planning.conftest import NOW

pytestmark = pytest.mark.usefixtures("frozen")

MONDAY = dt.date(2026, 12, 7)
TUESDAY = dt.date(2026, 12, 8)
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def key(service, day=MONDAY):
    return f"{service.pk}:{day.isoformat()}"


def login(client, responsable):
    client.force_login(responsable.user)
    return client


def act(client, family, action, cells, fetch=True, **extra):
    data = {"action": action, "cells": cells, "mois": "2026-12", **extra}
    url = reverse("portal:planning_action", args=[family.lea.pk])
    return client.post(url, data, **(FETCH if fetch else {}))


def state(family, service, day=MONDAY):
    cell = Cell.objects.filter(enfant=family.lea, service=service, date=day).first()
    return cell.state if cell else "free"


def cell_actions(html: str, cell_key: str) -> str:
    match = re.search(rf'data-key="{re.escape(cell_key)}".*?data-actions="([^"]*)"', html)
    assert match, cell_key
    return match.group(1)


def book(family, responsable, service, day=MONDAY):
    return demande_submit(
        actor=responsable.user, enfant=family.lea, action=Action.BOOK, cells=[(service.pk, day)], now=NOW
    ).demande


def written():
    return Cell.objects.count(), CellChange.objects.count(), Demande.objects.count()


# --------------------------------------------------------------------------- the grid


def test_the_other_parents_row_shows_without_actions(client, separated):
    login(client, separated.julien)
    html = client.get(reverse("portal:planning", args=[separated.lea.pk]), {"mois": "2026-12"}).content.decode()
    assert "GARDERIE SOIR" in html and "BERNARD Sophie" in html  # shown…
    assert cell_actions(html, key(separated.soir)) == ""  # …read-only
    assert cell_actions(html, key(separated.cantine)) == "book"
    assert html.count("(lecture seule)") == 1
    # The no-JS cell page of the other's day offers nothing either.
    page = client.get(reverse("portal:planning_cell", args=[separated.lea.pk]), {"cellule": key(separated.soir)})
    assert page.status_code == 200
    assert 'name="action"' not in page.content.decode()


def test_each_parent_sees_their_own_row_actionable(client, separated):
    login(client, separated.sophie)
    html = client.get(reverse("portal:planning", args=[separated.lea.pk]), {"mois": "2026-12"}).content.decode()
    assert cell_actions(html, key(separated.soir)) == "book"
    assert cell_actions(html, key(separated.cantine)) == ""


@pytest.mark.parametrize("mois", ["2026-12", "2027-02"])
def test_grid_query_count_stays_constant_for_separated_parents(client, separated, django_assert_max_num_queries, mois):
    login(client, separated.julien)
    # The same seven as any family (tests/portal_planning/test_grid.py): the rule costs no query.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("portal:planning", args=[separated.lea.pk]), {"mois": mois})
    assert response.status_code == 200


# --------------------------------------------------------------------------- crafted posts


def test_a_crafted_booking_on_the_other_parents_service_is_refused_and_writes_nothing(client, separated):
    login(client, separated.julien)
    before = written()
    response = act(client, separated, "book", [key(separated.soir)], submission_key="k1")
    assert response.status_code == 403
    data = response.json()
    assert not data["ok"] and data["level"] == "error"
    assert data["message"] == (
        "Le service GARDERIE SOIR est réglé par BERNARD Sophie : vous pouvez consulter ces jours, pas les modifier."
    )
    assert written() == before
    # Without JavaScript: the same refusal, as a message on the planning.
    response = act(client, separated, "book", [key(separated.soir)], fetch=False, submission_key="k2")
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [data["message"]]
    assert written() == before


def test_an_absence_on_the_other_parents_booked_day_is_refused(client, separated):
    f.CellFactory(enfant=separated.lea, service=separated.soir, date=MONDAY, state=CellState.BOOKED)
    login(client, separated.julien)
    before = written()
    response = act(client, separated, "absence", [key(separated.soir)], reason="medical")
    assert response.status_code == 403
    assert "réglé par BERNARD Sophie" in response.json()["message"]
    assert state(separated, separated.soir) == CellState.BOOKED
    assert written() == before


def test_cancelling_the_other_parents_pending_day_is_refused(client, separated):
    book(separated, separated.sophie, separated.soir)
    assert state(separated, separated.soir) == CellState.PENDING
    login(client, separated.julien)
    before = written()
    response = act(client, separated, "cancel", [key(separated.soir)])
    assert response.status_code == 403
    assert state(separated, separated.soir) == CellState.PENDING
    assert written() == before


def test_a_selection_over_both_rows_applies_only_the_parents_own(client, separated):
    login(client, separated.julien)
    response = act(client, separated, "book", [key(separated.cantine), key(separated.soir)])
    assert response.status_code == 200
    data = response.json()
    assert data["level"] == "warning"
    assert "réglé par BERNARD Sophie" in data["message"]
    assert state(separated, separated.cantine) == CellState.PENDING
    assert state(separated, separated.soir) == "free"
    assert data["cells"][key(separated.soir)].count('data-actions=""') == 1  # the fragment stays read-only


def test_the_service_refuses_whoever_calls_it(separated):
    with pytest.raises(PlanningError) as refused:
        book(separated, separated.julien, separated.soir)
    assert refused.value.code == NOT_PAYER
    assert not Demande.objects.exists()
    [verdict] = demande_preview(
        enfant=separated.lea,
        action=Action.BOOK,
        cells=[(separated.soir.pk, MONDAY)],
        now=NOW,
        actor=separated.julien.user,
    )
    assert not verdict.allowed and verdict.code == NOT_PAYER


def test_an_agent_is_not_limited_by_the_payer(world, separated):
    demande = book(separated, world.agent, separated.soir)
    assert demande is not None and state(separated, separated.soir) == CellState.PENDING


# --------------------------------------------------------------------------- demandes


def test_sophie_cannot_cancel_julien_s_demande(client, separated):
    demande = book(separated, separated.julien, separated.cantine)
    login(client, separated.sophie)
    listing = client.get(reverse("portal:demandes")).content.decode()
    assert "RESTAURATION" in listing  # she sees it…
    assert reverse("portal:demande_cancel", args=[demande.pk]) not in listing  # …without the button
    assert "Service réglé par l'autre responsable : lecture seule" in listing
    response = client.post(reverse("portal:demande_cancel", args=[demande.pk]))
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Cette demande porte sur un service réglé par l'autre responsable : vous pouvez la consulter, pas l'annuler."
    ]
    demande.refresh_from_db()
    assert demande.status == Demande.Status.PENDING
    assert state(separated, separated.cantine) == CellState.PENDING


def test_julien_cancels_his_own_demande(client, separated):
    demande = book(separated, separated.julien, separated.cantine)
    login(client, separated.julien)
    listing = client.get(reverse("portal:demandes")).content.decode()
    assert reverse("portal:demande_cancel", args=[demande.pk]) in listing
    client.post(reverse("portal:demande_cancel", args=[demande.pk]))
    demande.refresh_from_db()
    assert demande.status == Demande.Status.CANCELLED


def test_demandes_list_query_count_stays_constant_for_separated_parents(
    client, separated, django_assert_max_num_queries
):
    for i in range(5):
        book(separated, separated.julien, separated.cantine, MONDAY + dt.timedelta(days=7 * i))
        book(separated, separated.sophie, separated.soir, MONDAY + dt.timedelta(days=7 * i))
    login(client, separated.sophie)
    # The family's eight, and one for the enrolments that tell whose each demande is.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("portal:demandes"))
    assert response.content.decode().count("lecture seule") == 5


# --------------------------------------------------------------------------- rythme


def test_rythme_offers_only_the_parents_own_services(client, separated):
    login(client, separated.julien)
    url = reverse("portal:rythme", args=[separated.lea.pk])
    html = client.get(url).content.decode()
    assert "RESTAURATION" in html and "GARDERIE SOIR" not in html
    before = written()
    response = client.post(
        url,
        {
            "start": "2026-12-07",
            "end": "2026-12-18",
            "weekdays": ["0"],
            "services": [separated.soir.pk],
            "confirm": "1",
            "submission_key": "r1",
        },
    )
    assert response.status_code == 400
    assert written() == before


# --------------------------------------------------------------------------- shared access


def test_with_shared_access_both_parents_act_on_everything(client, shared):
    login(client, shared.julien)
    html = client.get(reverse("portal:planning", args=[shared.lea.pk]), {"mois": "2026-12"}).content.decode()
    assert cell_actions(html, key(shared.soir)) == "book"
    assert "(lecture seule)" not in html
    assert act(client, shared, "book", [key(shared.soir)]).status_code == 200
    assert state(shared, shared.soir) == CellState.PENDING
    julien_s = Demande.objects.get()
    login(client, shared.sophie)
    client.post(reverse("portal:demande_cancel", args=[julien_s.pk]))
    julien_s.refresh_from_db()
    assert julien_s.status == Demande.Status.CANCELLED
    book(shared, shared.sophie, shared.cantine, TUESDAY)  # and Sophie on Julien's service
    assert state(shared, shared.cantine, TUESDAY) == CellState.PENDING
