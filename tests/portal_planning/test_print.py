"""The month planning prints on one A4 page: navigation, menus, buttons and forms hidden, the
grid, the child's name and the legend kept, in black and white (pypdf counts the pages)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from marelle.families.models import Enfant

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SHOTS = Path("/tmp/shots")  # noqa: S108 - files to look at, not a secret


@pytest.fixture
def planning_url(live_server, page):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    enfant = Enfant.objects.get(famille__numero="381623867924", prenom="COMMUNE")
    client = Client()
    client.force_login(enfant.famille.responsables.get().user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return f"{live_server.url}/portail/enfants/{enfant.pk}/planning/"


def pages_of(pdf: bytes) -> list:
    return PdfReader(io.BytesIO(pdf)).pages


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_month_prints_on_one_a4_landscape_page(page, live_server, planning_url, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(planning_url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True, path=str(SHOTS / f"planning-print-{language}.pdf"))
    pages = pages_of(pdf)
    assert len(pages) == 1
    box = pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    text = pages[0].extract_text()
    assert "ZTEST" in text and ("Légende" in text or "Legend" in text)
    for hidden in ("Mois suivant", "Next month", "Déconnexion", "Log out", "Filtrer", "Réserver la sélection"):
        assert hidden not in text


def test_a_portrait_a4_print_is_one_page_too(page, planning_url):
    """A browser or printer told to print portrait: the grid shrinks to the page, still one page."""
    page.goto(planning_url)
    assert len(pages_of(page.pdf(format="A4"))) == 1


def test_printed_without_colour_a_day_without_service_is_not_a_free_day(page, planning_url):
    page.goto(planning_url)
    page.emulate_media(media="print")
    mark = "el => getComputedStyle(el, '::before').content"
    assert page.locator(".cell.st-off .cell__btn > span").first.evaluate(mark) == '"–"'
    assert page.locator(".cell.st-free .cell__btn > span").first.evaluate(mark) == "none"
    assert page.locator(".legend__swatch.st-off").evaluate(mark) == '"–"'
