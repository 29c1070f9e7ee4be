"""The dashboard: what waits for the agent, and how many children are expected."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from marelle.planning.models import CellState, Demande
from tests import factories as f
from tests.backoffice.conftest import DAY, make_pending_demande


def test_dashboard_counts_pending_demandes_late_absences_and_headcounts(agent_client, world, bo):
    make_pending_demande(world.enfant, bo.cantine, DAY + dt.timedelta(days=1))
    make_pending_demande(world.enfant, bo.cantine, DAY + dt.timedelta(days=3), Demande.Kind.ABSENCE)
    sibling = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement)
    f.CellFactory(enfant=sibling, service=bo.cantine, date=DAY, state=CellState.BOOKED)
    f.CellFactory(enfant=world.enfant, service=bo.cantine, date=DAY, state=CellState.PRESENT)
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=False):
        response = agent_client.get(reverse("backoffice:dashboard"))
    ctx = response.context
    assert (ctx["pending_total"], ctx["pending_bookings"], ctx["late_absences"]) == (2, 1, 1)
    assert ctx["days"][0] == DAY and len(ctx["days"]) == 6
    assert all(d.weekday() < 5 for d in ctx["days"])
    row = dict(ctx["table"])[bo.cantine]
    # today: 2 (booked + present); Thursday: the absence is still pending, the meal still counted.
    assert row[0] == 2
    assert row[ctx["days"].index(DAY + dt.timedelta(days=3))] == 1
    # Another commune's demande is not counted.
    assert Demande.objects.filter(status=Demande.Status.PENDING).count() == 3
