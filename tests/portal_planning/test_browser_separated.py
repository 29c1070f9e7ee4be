"""Separated parents in Chromium: the other parent's row shows, marked read-only, and its
cells offer no action; one's own cells do. Axe finds no serious violation."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from marelle.planning.models import Cell
from tests.portal_planning.test_browser import assert_no_serious_violation, cell, next_monday
from tests.separated import separated_family

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def family(world):
    world.school_year.start_date = dt.date(2026, 1, 1)
    world.school_year.end_date = dt.date(2030, 12, 31)
    world.school_year.save()
    return separated_family(world)


def test_the_other_parents_cells_offer_no_action(page, live_server, family):
    client = Client()
    client.force_login(family.julien.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    day = next_monday()
    url = reverse("portal:planning", args=[family.lea.pk])
    page.goto(f"{live_server.url}{url}?mois={day:%Y-%m}")
    page.wait_for_selector("#planning.js")
    row = page.get_by_role("row", name="GARDERIE SOIR BERNARD Sophie")
    assert "(lecture seule)" in row.inner_text()
    assert "(lecture seule)" not in page.get_by_role("row", name="RESTAURATION MARTIN Julien").inner_text()

    cell(page, "GARDERIE SOIR", day).click()
    menu = page.get_by_role("menu")
    assert menu.get_by_role("menuitem").all_inner_texts() == ["Aucune action possible ce jour-là"]
    assert_no_serious_violation(page)
    page.keyboard.press("Escape")

    cell(page, "RESTAURATION", day).click()
    assert menu.get_by_role("menuitem").all_inner_texts() == ["Demande de réservation"]
    assert not Cell.objects.filter(enfant=family.lea).exists()
