"""The dashboard: what waits for the agent, and how many children are expected."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.urls import reverse

from marelle.backoffice.selectors import unpaid_summary
from marelle.billing.models import Facture
from marelle.billing.selectors import unpaid_invoices
from marelle.planning.models import CellState, Demande
from tests import factories as f
from tests.backoffice.conftest import DAY, make_pending_demande
from tests.billing.factories import FactureFactory, PaymentFactory


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


def test_unpaid_total_of_the_agents_communes_in_one_query(agent_client, world, django_assert_num_queries):
    """What remains due on issued invoices, like billing.selectors.unpaid_invoices per family."""
    fam, other = world.famille, world.other_famille
    partly = FactureFactory(famille=fam, responsable=world.alice, total=Decimal("86.40"))
    PaymentFactory(famille=fam, facture=partly, amount=Decimal("30.00"))
    PaymentFactory(famille=fam, facture=partly, amount=Decimal("6.40"))
    FactureFactory(famille=fam, responsable=world.alice, total=Decimal("12.10"))
    paid = FactureFactory(famille=fam, responsable=world.alice, total=Decimal("20.00"))
    PaymentFactory(famille=fam, facture=paid, amount=Decimal("20.00"))
    FactureFactory(famille=fam, responsable=world.alice, total=Decimal("99.00"), status=Facture.Status.CANCELLED)
    second = f.FamilleFactory(commune=world.commune)
    FactureFactory(famille=second, total=Decimal("5.00"))
    FactureFactory(famille=other, responsable=world.bob, total=Decimal("1000.00"))  # another commune

    with django_assert_num_queries(1):
        unpaid = unpaid_summary([world.commune.pk])
    assert unpaid.total == Decimal("67.10")  # 50.00 + 12.10 + 5.00
    assert (unpaid.invoices, unpaid.familles) == (3, 2)
    per_family = sum(i.remaining for fam_ in (fam, second) for i in unpaid_invoices(fam_))
    assert unpaid.total == per_family

    response = agent_client.get(reverse("backoffice:dashboard"))
    assert response.context["unpaid"] == unpaid
    assert "67,10\u00a0€" in response.content.decode()  # the |euros filter, as on every page
    # The card leads to the list of what is due, whose total is the same.
    assert f'href="{reverse("backoffice:factures")}?unpaid=on"' in response.content.decode()
    listing = agent_client.get(reverse("backoffice:factures"), {"unpaid": "on"}).content.decode()
    assert "Reste à encaisser sur vos communes : 67,10" in listing


def test_unpaid_total_is_zero_without_invoices(agent_client, world):
    unpaid = agent_client.get(reverse("backoffice:dashboard")).context["unpaid"]
    assert (unpaid.total, unpaid.invoices, unpaid.familles) == (Decimal("0.00"), 0, 0)
