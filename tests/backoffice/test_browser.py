"""What agents do, in Chromium: accept a parent's booking from the file des demandes, take
attendance on a phone, and an axe scan of the main pages."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marelle.families.services import famille_update
from marelle.planning.models import Cell, CellState
from marelle.planning.rules import Action, local_today
from marelle.planning.services import demande_submit
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SHOTS_DIR", "/tmp/shots")  # noqa: S108 - where the brief wants them


def login(page, live_server, user) -> None:
    """Log in by copying a Django test client's session cookie into the browser."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/bo-{name}.png", full_page=True)


def serious_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def next_weekday(after: dt.date, days: int) -> dt.date:
    day = after + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def setup(world):
    service = f.ServiceFactory(etablissement=world.etablissement, name="RESTAURATION", weekdays="01234", capacity=20)
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    return service


def test_agent_accepts_a_parents_booking_and_the_parent_sees_reserve(page, live_server, world, setup):
    now = timezone.now()
    day = next_weekday(local_today(now), 10)
    result = demande_submit(
        actor=world.alice.user, enfant=world.enfant, action=Action.BOOK, cells=[(setup.pk, day)], now=now
    )
    assert Cell.objects.get(enfant=world.enfant, date=day).state == CellState.PENDING

    login(page, live_server, world.agent.user)
    page.goto(live_server.url + reverse("backoffice:demandes"))
    row = page.locator(f"#demande-{result.demande.pk}")
    assert "COMMUNE" in row.inner_text()
    assert "20 places restantes" in row.inner_text()
    shot(page, "demandes")
    with page.expect_navigation():
        row.get_by_role("button", name="Accepter").click()
    assert "1 demande acceptée" in page.locator(".messages").inner_text()
    assert Cell.objects.get(enfant=world.enfant, date=day).state == CellState.BOOKED

    # The agent-mode grid shows it …
    page.goto(live_server.url + reverse("backoffice:enfant_planning", args=[world.enfant.pk]) + f"?mois={day:%Y-%m}")
    assert page.locator(f"a[href*='jour={day:%Y-%m-%d}'][title='Réservé']").count() == 1
    shot(page, "agent_grid")

    # … and so does the parent's planning.
    parent = page.context.browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    parent_page = parent.new_page()
    login(parent_page, live_server, world.alice.user)
    response = parent_page.goto(live_server.url + f"/portail/enfants/{world.enfant.pk}/planning/?mois={day:%Y-%m}")
    if response.status == 200:
        cell = parent_page.locator(f'td[data-key="{setup.pk}:{day.isoformat()}"]')
        assert "st-booked" in cell.get_attribute("class")
        assert " : Réservé" in cell.locator("button").get_attribute("aria-label")
        shot(parent_page, "parent_grid")
    parent.close()


def test_bulk_accept_with_select_all(page, live_server, world, setup):
    now = timezone.now()
    start = next_weekday(local_today(now), 10)
    days = [next_weekday(start, i) for i in range(0, 8, 2)]
    for day in days:
        demande_submit(
            actor=world.alice.user, enfant=world.enfant, action=Action.BOOK, cells=[(setup.pk, day)], now=now
        )
    login(page, live_server, world.agent.user)
    page.goto(live_server.url + reverse("backoffice:demandes"))
    page.get_by_label("Tout sélectionner").check()
    assert page.locator("input[name=ids]:checked").count() == len(set(days))
    with page.expect_navigation():
        page.get_by_role("button", name="Accepter la sélection").click()
    assert Cell.objects.filter(enfant=world.enfant, state=CellState.BOOKED).count() == len(set(days))


def test_pointage_on_a_phone(phone_page, live_server, world):
    page = phone_page
    garderie = f.ServiceFactory(
        etablissement=world.etablissement, name="GARDERIE SOIR", weekdays="0123456", tracks_times=True
    )
    f.InscriptionFactory(enfant=world.enfant, service=garderie, school_year=world.school_year, responsable=world.alice)
    world.enfant.allergies = "arachide"
    world.enfant.pai = True
    world.enfant.save()
    walk_in = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement, prenom="LÉO", nom="ZTEST")
    f.InscriptionFactory(enfant=walk_in, service=garderie, school_year=world.school_year, responsable=world.alice)
    no_show = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement, prenom="INES", nom="ZTEST")
    f.InscriptionFactory(enfant=no_show, service=garderie, school_year=world.school_year, responsable=world.alice)
    today = local_today(timezone.now())
    f.CellFactory(enfant=world.enfant, service=garderie, date=today, state=CellState.BOOKED)
    f.CellFactory(enfant=no_show, service=garderie, date=today, state=CellState.BOOKED)

    login(page, live_server, world.agent.user)
    page.goto(live_server.url + reverse("backoffice:pointage"))
    with page.expect_navigation():
        page.get_by_role("link", name="GARDERIE SOIR").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert "arachide" in page.locator(f"#enfant-{world.enfant.pk}").inner_text()
    shot(page, "pointage_phone_before")

    card = page.locator(f"#enfant-{world.enfant.pk}")
    card.get_by_label("Arrivée").fill("16:40")
    with page.expect_navigation():
        card.get_by_role("button", name="Présent").click()
    assert Cell.objects.get(enfant=world.enfant, date=today).state == CellState.PRESENT

    page.get_by_label("Enfant inscrit à ce service").select_option(str(walk_in.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter").click()
    assert Cell.objects.get(enfant=walk_in, date=today).state == CellState.OUT_OF_CONTRACT

    card = page.locator(f"#enfant-{world.enfant.pk}")
    card.get_by_text("Saisir les heures").click()
    card.get_by_label("Départ").fill("18:05")
    with page.expect_navigation():
        card.get_by_role("button", name="Enregistrer les heures").click()
    assert Cell.objects.get(enfant=world.enfant, date=today).departure == dt.time(18, 5)
    # The walk-in leaves: one tap records the departure at the current time.
    with page.expect_navigation():
        page.locator(f"#enfant-{walk_in.pk}").get_by_role("button", name="Départ à").click()
    shot(page, "pointage_phone_during")

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Clôturer la feuille").click()
    assert "Feuille clôturée" in page.locator(".messages").inner_text()
    assert Cell.objects.get(enfant=no_show, date=today).state == CellState.ABSENCE_BILLED
    assert Cell.objects.get(enfant=world.enfant, date=today).state == CellState.PRESENT
    assert Cell.objects.get(enfant=walk_in, date=today).departure is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "pointage_phone_closed")


@pytest.mark.parametrize(
    "name",
    [
        "dashboard",
        "demandes",
        "pointage_sheet",
        "famille",
        "effectifs",
        "famille_edit",
        "enfant_edit",
        "closure_delete",
    ],
)
def test_axe_finds_no_serious_violation(page, live_server, world, setup, name):
    now = timezone.now()
    day = next_weekday(local_today(now), 10)
    demande_submit(actor=world.alice.user, enfant=world.enfant, action=Action.BOOK, cells=[(setup.pk, day)], now=now)
    today = local_today(now)
    f.CellFactory(enfant=world.enfant, service=setup, date=today, state=CellState.BOOKED)
    # A change in the family's history, with its before/after list.
    famille_update(actor=world.agent.user, famille=world.famille, values={"address": "2 rue Basse", "phone": "01"})
    urls = {
        "dashboard": reverse("backoffice:dashboard"),
        "demandes": reverse("backoffice:demandes"),
        "pointage_sheet": reverse("backoffice:pointage_sheet", args=[setup.pk, today.isoformat()]),
        "famille": reverse("backoffice:famille", args=[world.famille.pk]),
        "effectifs": reverse("backoffice:effectifs"),
        "famille_edit": reverse("backoffice:famille_edit", args=[world.famille.pk]),
        "enfant_edit": reverse("backoffice:enfant_edit", args=[world.enfant.pk]),
        "closure_delete": reverse("backoffice:closure_delete", args=[f.ClosureFactory(commune=world.commune).pk]),
    }
    login(page, live_server, world.agent.user)
    page.goto(live_server.url + urls[name])
    shot(page, f"axe_{name}")
    assert serious_violations(page) == []
