"""Reflow, in Chromium: at 320 and 360 px with text at 200 %, and at 1280 px, no page scrolls
sideways (WCAG 1.4.4 and 1.4.10); wide tables scroll inside their own box, headers included."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse
from django.utils import timezone

from marelle.planning.rules import Action, local_today
from marelle.planning.services import demande_submit
from tests.backoffice.test_browser import login
from tests.portal_planning.test_browser import next_monday, planning  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SHOTS_DIR", "/tmp/shots")  # noqa: S108 - screenshots to look at

# Larger text the way a reader sets it: the root font size, which every rem and em follows.
BIG_TEXT = "document.documentElement.style.fontSize = '200%'"

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && Math.max(r.right, r.left + el.scrollWidth) > width + 1 && !(el.parentElement && el.parentElement.closest('.table-wrap, .planning__scroll'))) {
      wide.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) + ' ' + Math.round(r.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, width: window.innerWidth, wide: wide.slice(0, 8)};
}"""


LINES = """el => {
  const s = getComputedStyle(el);
  const inner = el.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
  return Math.round(inner / parseFloat(s.lineHeight === 'normal' ? 1.2 * parseFloat(s.fontSize) : s.lineHeight));
}"""


@pytest.fixture
def reflow_world(world, planning):  # noqa: F811
    """A pending demande (a row in both lists), a booked day, and a sheet of attendance."""
    garderie, cantine = planning
    now = timezone.now()
    day = next_monday()
    demande_submit(actor=world.alice.user, enfant=world.enfant, action=Action.BOOK, cells=[(cantine.pk, day)], now=now)
    demande_submit(actor=world.alice.user, enfant=world.enfant, action=Action.BOOK, cells=[(garderie.pk, day)], now=now)
    return world, garderie, local_today(now)


def portal_pages(world) -> dict[str, str]:
    return {
        "accueil": reverse("portal:accueil"),
        "planning": reverse("portal:planning", args=[world.enfant.pk]) + f"?mois={next_monday():%Y-%m}",
        "demandes": reverse("portal:demandes"),
        "releve": reverse("portal:releve"),
        "messages": reverse("portal:messages"),
        "compte": reverse("portal:compte"),
    }


def backoffice_pages(garderie, today) -> dict[str, str]:
    return {
        "bo-dashboard": reverse("backoffice:dashboard"),
        "bo-pointage": reverse("backoffice:pointage_sheet", args=[garderie.pk, today.isoformat()]),
        "bo-demandes": reverse("backoffice:demandes"),
    }


def measure(page, url: str, *, big_text: bool) -> dict:
    page.goto(url)
    if big_text:
        page.evaluate(BIG_TEXT)
    return page.evaluate(OVERFLOW)


def check_pages(page, base: str, pages: dict[str, str], width: int) -> list:
    page.set_viewport_size({"width": width, "height": 740})
    failures = []
    for name, url in pages.items():
        found = measure(page, base + url, big_text=True)
        if width == 360:
            os.makedirs(SHOTS, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/reflow-{name}-360-200.png", full_page=True)
        if found["scroll"] > found["width"]:
            failures.append((name, width, found))
    return failures


@pytest.mark.parametrize("width", [320, 360])
def test_portal_pages_reflow_at_200_percent_text(page, live_server, reflow_world, width):
    world, _garderie, _today = reflow_world
    login(page, live_server, world.alice.user)
    assert check_pages(page, live_server.url, portal_pages(world), width) == []


@pytest.mark.parametrize("width", [320, 360])
def test_backoffice_pages_reflow_at_200_percent_text(page, live_server, reflow_world, width):
    world, garderie, today = reflow_world
    login(page, live_server, world.agent.user)
    assert check_pages(page, live_server.url, backoffice_pages(garderie, today), width) == []


def test_the_month_buttons_of_the_planning_stay_on_screen(page, live_server, reflow_world):
    world, _garderie, _today = reflow_world
    login(page, live_server, world.alice.user)
    page.set_viewport_size({"width": 360, "height": 740})
    url = live_server.url + portal_pages(world)["planning"]
    measure(page, url, big_text=False)  # at 100 % the three share one line, as before
    tops = {round(page.get_by_role("link", name=n).bounding_box()["y"]) for n in ("Mois précédent", "Mois suivant")}
    assert len(tops) == 1
    measure(page, url, big_text=True)
    for name in ("Mois précédent", "Mois en cours", "Mois suivant"):
        link = page.get_by_role("link", name=name)
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (name, box)
        # Wrapped between words, never inside one ("Mo / is pr / éc…"): no more lines than words.
        lines = link.evaluate(LINES)
        assert lines <= len(name.split()), (name, lines)


@pytest.mark.parametrize("big_text", [False, True])
def test_the_list_of_demandes_fits_1280_and_its_table_scrolls_in_its_box(page, live_server, reflow_world, big_text):
    world, _garderie, _today = reflow_world
    login(page, live_server, world.alice.user)
    found = measure(page, live_server.url + reverse("portal:demandes"), big_text=big_text)
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/reflow-demandes-1280-{200 if big_text else 100}.png", full_page=True)
    assert found["scroll"] <= found["width"], found
    # The table is never cut: what does not fit scrolls inside its box, with its header row.
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    assert wrap.locator("thead th").count() == 5
    assert wrap.evaluate("el => el.getBoundingClientRect().right <= document.documentElement.clientWidth")
    if big_text:  # too narrow a box for five columns: each demande is a card, nothing to scroll to
        assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
