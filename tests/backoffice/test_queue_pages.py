"""The file des demandes and the families list in pages of 50: a stable order, the filters kept
in the page links, constant queries per page, and bulk decisions on the checked rows of a page
or, when the agent says so, on every filtered demande across pages."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marelle.planning.models import Cell, CellState, Demande
from tests import factories as f
from tests.backoffice.conftest import DAY, make_pending_demande

QUEUE = reverse("backoffice:demandes")
DECIDE = reverse("backoffice:demandes_decide")
FAMILLES = reverse("backoffice:familles")


def _demandes(enfant, service, n, kind=Demande.Kind.RESERVATION, start=DAY):
    return [make_pending_demande(enfant, service, start + dt.timedelta(days=i), kind) for i in range(n)]


def _shown(response) -> list[int]:
    return [d.pk for d in response.context["page"].object_list]


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}"(?: value="([^"]*)")?', html)
    assert match, name
    return unescape(match.group(1) or "")


def test_the_queue_is_paged_by_50_oldest_first_in_a_stable_order(agent_client, world, bo):
    demandes = _demandes(world.enfant, bo.cantine, 120)
    # Received in the same instant: the id breaks the tie, so no demande shows twice or never.
    Demande.objects.filter(pk__in=[d.pk for d in demandes[40:70]]).update(created_at=demandes[40].created_at)
    pages = [agent_client.get(QUEUE, {"page": n}) for n in (1, 2, 3)]
    assert [len(_shown(p)) for p in pages] == [50, 50, 20]
    assert sum((_shown(p) for p in pages), []) == [d.pk for d in demandes]
    assert "120 demandes en attente" in pages[1].content.decode()


def test_the_filters_stay_in_the_page_links(agent_client, world, bo):
    _demandes(world.enfant, bo.cantine, 60)
    absences = _demandes(world.enfant, bo.cantine, 55, Demande.Kind.ABSENCE, start=DAY + dt.timedelta(days=100))
    response = agent_client.get(QUEUE, {"kind": "absence", "page": 2})
    html = response.content.decode()
    assert _shown(response) == [d.pk for d in absences[50:]]
    assert 'href="?kind=absence&amp;page=1"' in html
    next_page = agent_client.get(QUEUE, {"kind": "absence"})
    assert 'href="?kind=absence&amp;page=2"' in next_page.content.decode()


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(QUEUE, params).status_code == 200
    return len(captured.captured_queries)


def test_queries_per_page_do_not_grow_with_the_demandes(agent_client, world, bo):
    other_child = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement)
    _demandes(world.enfant, bo.cantine, 10)
    agent_client.get(QUEUE)  # the session and the agent's communes, once
    ten = _queries(agent_client, {})
    _demandes(other_child, bo.cantine, 110, start=DAY + dt.timedelta(days=20))
    assert Demande.objects.filter(status=Demande.Status.PENDING).count() == 121  # with another commune's
    assert _queries(agent_client, {}) == ten
    assert _queries(agent_client, {"page": 3}) == ten
    assert _queries(agent_client, {"kind": "reservation", "page": 2}) == ten


def test_a_bulk_decision_acts_on_the_checked_rows_of_the_page_only(agent_client, world, bo):
    demandes = _demandes(world.enfant, bo.cantine, 60)
    html = agent_client.get(QUEUE, {"page": 2}).content.decode()
    assert "Appliquer aux 60 demandes filtrées" in html
    checked = [demandes[51].pk, demandes[55].pk]
    agent_client.post(DECIDE, {"ids": checked, "decision": "accept", "next": QUEUE + "?page=2"})
    accepted = set(Demande.objects.filter(status=Demande.Status.ACCEPTED).values_list("pk", flat=True))
    assert accepted == set(checked)


def test_all_the_filtered_demandes_across_pages_when_the_agent_says_so(agent_client, world, bo):
    reservations = _demandes(world.enfant, bo.cantine, 120)
    absences = _demandes(world.enfant, bo.cantine, 3, Demande.Kind.ABSENCE, start=DAY + dt.timedelta(days=200))
    html = agent_client.get(QUEUE, {"kind": "reservation", "page": 3}).content.decode()
    assert "Appliquer aux 120 demandes filtrées" in html
    filters, seen = _hidden(html, "filters"), _hidden(html, "seen")
    assert filters == "kind=reservation"
    # Received after the page was shown: the agent never saw it, so it is not decided.
    late = make_pending_demande(world.enfant, bo.cantine, DAY + dt.timedelta(days=300))
    Demande.objects.filter(pk=late.pk).update(created_at=timezone.now() + dt.timedelta(seconds=1))
    response = agent_client.post(
        DECIDE,
        {"all_filtered": "1", "filters": filters, "seen": seen, "decision": "accept", "ids": [absences[0].pk]},
        follow=True,
    )
    assert "120 demandes acceptées" in response.content.decode()
    accepted = set(Demande.objects.filter(status=Demande.Status.ACCEPTED).values_list("pk", flat=True))
    assert accepted == {d.pk for d in reservations}  # not the checked absence, not the late one
    assert Cell.objects.filter(demande__in=reservations, state=CellState.BOOKED).count() == 120
    assert (
        Demande.objects.filter(pk__in=[late.pk, bo.other_demande.pk, *[a.pk for a in absences]])
        .filter(status=Demande.Status.PENDING)
        .count()
        == 5
    )


def test_all_filtered_never_reaches_another_communes_demandes(agent_client, world, bo):
    _demandes(world.enfant, bo.cantine, 3)
    # Another commune's filter is not a choice of this agent's form: nothing is decided.
    response = agent_client.post(
        DECIDE,
        {"all_filtered": "1", "filters": f"commune={world.other_commune.pk}", "decision": "accept"},
        follow=True,
    )
    assert "Les filtres ne sont pas valides" in response.content.decode()
    assert not Demande.objects.filter(status=Demande.Status.ACCEPTED).exists()
    # No filter at all: every pending demande of the agent's communes, and only those.
    agent_client.post(DECIDE, {"all_filtered": "1", "filters": "", "decision": "accept"})
    assert Demande.objects.filter(status=Demande.Status.ACCEPTED).count() == 3
    bo.other_demande.refresh_from_db()
    assert bo.other_demande.status == Demande.Status.PENDING


def test_all_filtered_beyond_capacity_asks_before_accepting(agent_client, world, bo):
    bo.cantine.capacity = 1
    bo.cantine.save()
    children = [f.EnfantFactory(famille=world.famille, etablissement=world.etablissement) for _ in range(55)]
    demandes = [make_pending_demande(child, bo.cantine, DAY) for child in children]
    html = agent_client.get(QUEUE).content.decode()
    post = {"all_filtered": "1", "filters": _hidden(html, "filters"), "seen": _hidden(html, "seen")}
    response = agent_client.post(DECIDE, {**post, "decision": "accept"})
    assert response.status_code == 409
    confirm = response.content.decode()
    assert "Accepter quand même ces 55 demandes" in confirm
    assert 'name="ids"' not in confirm  # the filters are posted again, not 55 ids
    assert not Demande.objects.filter(status=Demande.Status.ACCEPTED).exists()
    fields = {name: _hidden(confirm, name) for name in ("all_filtered", "filters", "seen", "force", "comment")}
    agent_client.post(DECIDE, {**fields, "decision": "accept"})
    assert Demande.objects.filter(pk__in=[d.pk for d in demandes], status=Demande.Status.ACCEPTED).count() == 55


def test_without_the_box_a_bulk_decision_needs_checked_rows(agent_client, world, bo):
    _demandes(world.enfant, bo.cantine, 60)
    response = agent_client.post(DECIDE, {"filters": "", "decision": "accept"}, follow=True)
    assert "Sélectionnez au moins une demande" in response.content.decode()
    assert not Demande.objects.filter(status=Demande.Status.ACCEPTED).exists()


def test_one_page_has_no_all_filtered_box(agent_client, world, bo):
    _demandes(world.enfant, bo.cantine, 3)
    assert 'name="all_filtered"' not in agent_client.get(QUEUE).content.decode()


@pytest.fixture
def martins(world):
    """60 MARTIN families in the agent's commune, and one in another commune."""
    familles = [f.FamilleFactory(commune=world.commune, numero=f"5{n:08d}") for n in range(60)]
    for famille in familles:
        f.ResponsableFactory(famille=famille, nom="MARTIN")
        f.EnfantFactory(famille=famille, etablissement=world.etablissement)
    f.ResponsableFactory(famille=f.FamilleFactory(commune=world.other_commune), nom="MARTIN")
    return familles


def test_the_families_list_is_paged_by_numero_with_the_search_kept(agent_client, world, martins):
    first = agent_client.get(FAMILLES, {"q": "martin"})
    second = agent_client.get(FAMILLES, {"q": "martin", "page": 2})
    assert [fam.pk for fam in first.context["results"]] == [fam.pk for fam in martins[:50]]
    assert [fam.pk for fam in second.context["results"]] == [fam.pk for fam in martins[50:]]
    assert 'href="?q=martin&amp;page=2"' in first.content.decode()
    assert "60 familles trouvées" in first.content.decode()


def test_the_families_list_queries_do_not_grow_with_the_families(agent_client, world, martins):
    agent_client.get(FAMILLES, {"q": "martin"})
    with CaptureQueriesContext(connection) as sixty:
        agent_client.get(FAMILLES, {"q": "martin"})
    with CaptureQueriesContext(connection) as last:
        agent_client.get(FAMILLES, {"q": "martin", "page": 2})
    with CaptureQueriesContext(connection) as one:
        agent_client.get(FAMILLES, {"q": martins[0].numero})
    assert len(sixty.captured_queries) == len(last.captured_queries) == len(one.captured_queries)
