"""A parent's action on cells spanning millennia is refused at once, before any calendar work."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse

from marelle.planning.models import Demande
from marelle.planning.rules import Action
from marelle.planning.services import PlanningError, demande_preview, demande_submit
from tests.portal_planning.conftest import NOW

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["{s}:0001-01-01", "{s}:9999-12-31"], "Ce jour est en dehors du calendrier."),
        (["{s}:2026-09-01", "{s}:2027-12-31"], "Une demande couvre 400 jours au plus, du premier au dernier."),
    ],
)
def test_action_over_a_huge_span_answers_400_fast(alice_client, world, cantine, cells, message):
    url = reverse("portal:planning_action", args=[world.enfant.pk])
    data = {"action": "book", "cells": [c.format(s=cantine.pk) for c in cells]}
    started = time.perf_counter()
    response = alice_client.post(url, data, **FETCH)
    elapsed = time.perf_counter() - started
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert elapsed < 0.5
    assert not Demande.objects.exists()


def test_action_over_a_huge_span_without_javascript_redirects_with_the_message(alice_client, world, cantine):
    url = reverse("portal:planning_action", args=[world.enfant.pk])
    data = {"action": "book", "cells": [f"{cantine.pk}:0001-01-01", f"{cantine.pk}:9999-12-31"]}
    response = alice_client.post(url, data, follow=True)
    assert "Ce jour est en dehors du calendrier." in response.content.decode()


def test_a_month_of_multi_select_is_within_bounds(alice_client, world, cantine, frozen):
    url = reverse("portal:planning_action", args=[world.enfant.pk])
    days = [dt.date(2026, 12, 7) + dt.timedelta(days=i) for i in range(25)]
    data = {"action": "book", "cells": [f"{cantine.pk}:{d}" for d in days]}
    response = alice_client.post(url, data, **FETCH)
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize(
    "days", [[dt.date(1, 1, 1), dt.date(9999, 12, 31)], [dt.date(2026, 9, 1), dt.date(2027, 12, 31)]]
)
def test_services_refuse_cells_out_of_bounds_before_calendar_work(world, cantine, days, django_assert_num_queries):
    cells = [(cantine.pk, d) for d in days]
    with django_assert_num_queries(0):
        with pytest.raises(PlanningError):
            demande_submit(actor=world.alice.user, enfant=world.enfant, action=Action.BOOK, cells=cells, now=NOW)
        with pytest.raises(PlanningError):
            demande_preview(enfant=world.enfant, action=Action.BOOK, cells=cells, now=NOW)


def test_rythme_refuses_out_of_range_dates(alice_client, world, cantine):
    url = reverse("portal:rythme", args=[world.enfant.pk])
    data = {"services": [cantine.pk], "weekdays": ["0"], "start": "9999-12-01", "end": "9999-12-31"}
    response = alice_client.post(url, data)
    assert response.status_code == 400
    assert "Choisissez une date entre le 01/01/2000 et le 31/12/2100." in response.content.decode()
