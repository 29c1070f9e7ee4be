"""The demo's MARTIN/BERNARD family is kept apart: Julien pays RESTAURATION and GARDERIE MIDI,
Sophie GARDERIE MATIN and GARDERIE SOIR; each acts on their own, sees the other's read-only."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.urls import reverse

from marelle.demo.data import load_demo
from marelle.families.models import Famille
from marelle.planning.models import Cell, Demande, Inscription
from tests.portal_planning.conftest import NOW

MONDAY = dt.date(2026, 12, 7)  # bookable on Friday 4 under the demo's "2 jours avant, 23h59"
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def demo(db):
    with time_machine.travel(NOW, tick=False):
        load_demo(now=NOW)
        yield Famille.objects.get(numero="381600000102")


def inscription(famille, service_name):
    return Inscription.objects.select_related("service", "responsable__user").get(
        enfant__famille=famille, service__name=service_name
    )


def test_only_the_separated_family_is_kept_apart(demo):
    assert demo.shared_access is False
    assert set(Famille.objects.exclude(pk=demo.pk).values_list("shared_access", flat=True)) == {True}


def test_julien_books_his_services_not_sophie_s_and_she_cannot_cancel_his(client, demo):
    soir, cantine = inscription(demo, "GARDERIE SOIR"), inscription(demo, "RESTAURATION")
    julien, sophie = cantine.responsable, soir.responsable
    assert (julien.prenom, sophie.prenom) == ("Julien", "Sophie")
    lea = cantine.enfant
    action = reverse("portal:planning_action", args=[lea.pk])
    client.force_login(julien.user)

    html = client.get(reverse("portal:planning", args=[lea.pk]), {"mois": "2026-12"}).content.decode()
    assert html.count("(lecture seule)") == 2  # GARDERIE MATIN and GARDERIE SOIR

    before = (Cell.objects.filter(enfant=lea).count(), Demande.objects.filter(enfant=lea).count())
    crafted = {"action": "book", "cells": f"{soir.service_id}:{MONDAY.isoformat()}", "mois": "2026-12"}
    response = client.post(action, crafted, **FETCH)
    assert response.status_code == 403
    assert "réglé par BERNARD Sophie" in response.json()["message"]
    assert (Cell.objects.filter(enfant=lea).count(), Demande.objects.filter(enfant=lea).count()) == before

    own = {"action": "book", "cells": f"{cantine.service_id}:{MONDAY.isoformat()}", "mois": "2026-12"}
    assert client.post(action, own, **FETCH).status_code == 200
    his = Demande.objects.get(enfant=lea, created_by=julien.user)

    client.force_login(sophie.user)
    client.post(reverse("portal:demande_cancel", args=[his.pk]))
    his.refresh_from_db()
    assert his.status == Demande.Status.PENDING


def test_each_parent_sees_only_their_own_contact_and_invoices(client, demo):
    julien, sophie = demo.responsables.get(prenom="Julien"), demo.responsables.get(prenom="Sophie")
    [his] = demo.factures.all()  # last month's run: RESTAURATION and GARDERIE MIDI, paid by Julien
    assert his.responsable == julien
    client.force_login(julien.user)
    compte = client.get(reverse("portal:compte")).content.decode()
    assert "sophie.bernard@example.org" not in compte and "06 00 00 00 03" not in compte
    assert his.number in client.get(reverse("portal:releve")).content.decode()

    client.force_login(sophie.user)
    compte = client.get(reverse("portal:compte")).content.decode()
    assert "julien.martin@example.org" not in compte and "06 00 00 00 02" not in compte
    assert his.number not in client.get(reverse("portal:releve")).content.decode()
    assert his.number not in client.get(reverse("portal:accueil")).content.decode()
    with zipfile.ZipFile(io.BytesIO(client.get(reverse("portal:export")).content)) as archive:
        data = json.loads(archive.read("donnees.json"))
    assert [r["prenom"] for r in data["responsables"]] == ["Sophie"]
    assert data["factures"] == [] and data["paiements"] == []
    assert julien.email not in json.dumps(data)
    assert [e["prenom"] for e in data["enfants"]] == ["Léa"]
