"""A `next` parameter is followed only to a local path; anything else goes to the default page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse

from marelle.core.redirects import safe_next
from marelle.planning.models import Demande
from marelle.planning.rules import Action
from marelle.planning.services import demande_submit
from tests.backoffice.conftest import make_pending_demande
from tests.factories import PASSWORD
from tests.portal_planning.conftest import NOW


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/portail/demandes/?page=2", "/portail/demandes/?page=2"),
        ("1", "/default/"),
        ("x", "/default/"),
        ("portal:demandes", "/default/"),
        ("//evil.example/", "/default/"),
        ("/\\evil.example/", "/default/"),
        ("https://evil.example/", "/default/"),
        ("http://testserver/portail/", "/default/"),
        ("", "/default/"),
    ],
)
def test_safe_next_accepts_only_local_paths(value, expected):
    request = RequestFactory().post("/", {"next": value})
    assert safe_next(request, "/default/") == expected


@pytest.mark.parametrize("value", ["1", "x", "//evil.example/"])
def test_parent_cancel_with_a_bare_word_next_goes_to_the_list(alice_client, world, cantine, value, frozen):
    demande = demande_submit(
        actor=world.alice.user,
        enfant=world.enfant,
        action=Action.BOOK,
        cells=[(cantine.pk, dt.date(2026, 12, 7))],
        now=NOW,
    ).demande
    response = alice_client.post(reverse("portal:demande_cancel", args=[demande.pk]), {"next": value})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:demandes")
    demande.refresh_from_db()
    assert demande.status == Demande.Status.CANCELLED


def test_parent_cancel_follows_a_local_next(alice_client, world, cantine, frozen):
    demande = demande_submit(
        actor=world.alice.user,
        enfant=world.enfant,
        action=Action.BOOK,
        cells=[(cantine.pk, dt.date(2026, 12, 7))],
        now=NOW,
    ).demande
    back = reverse("portal:demandes") + "?page=1"
    response = alice_client.post(reverse("portal:demande_cancel", args=[demande.pk]), {"next": back})
    assert response["Location"] == back


@pytest.mark.parametrize("where", ["form", "query"])
def test_agent_decide_with_a_bare_word_next_goes_to_the_queue(agent_client, world, bo, where):
    demande = make_pending_demande(world.enfant, bo.cantine)
    url = reverse("backoffice:demandes_decide")
    data = {"accept_one": demande.pk}
    if where == "form":
        data["next"] = "x"
    else:
        url += "?next=x"
    response = agent_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:demandes")
    demande.refresh_from_db()
    assert demande.status == Demande.Status.ACCEPTED


def test_login_ignores_a_bare_word_next(client, world):
    response = client.post(reverse("portal:login") + "?next=x", {"username": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] != "x"
    assert response["Location"].startswith("/")
