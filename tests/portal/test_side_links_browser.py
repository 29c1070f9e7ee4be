"""The side box's links (Changer mot de passe, Infos/Documents) fit their box in English and
French, at 1280 px and on a 360 px phone: a long label wraps, it is never cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots to look at, not a secret

# Every side link whose text is wider than its box, or whose box leaves the aside or the page;
# or the side box itself running over the page beside it.
CUT_LINKS = """() => {
  const aside = document.querySelector('.side-links').getBoundingClientRect();
  const main = document.querySelector('.portal__main').getBoundingClientRect();
  const beside = aside.top < main.bottom && main.top < aside.bottom;  // two columns, not stacked
  if (beside && aside.right > main.left) return ['the side box overlaps the page'];
  return [...document.querySelectorAll('.side-links a')].filter(a => {
    const box = a.getBoundingClientRect();
    return a.scrollWidth > a.clientWidth || box.right > aside.right + 0.5
      || box.right > document.documentElement.clientWidth;
  }).map(a => a.textContent.trim());
}"""


def log_in(page, live_server, user, language: str) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
            {"name": "django_language", "value": language, "url": live_server.url},
        ]
    )


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("where", ["accueil", "planning"])  # the planning page narrows the side box
def test_side_links_are_not_cut(browser, live_server, world, language, width, where):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="fr-FR")
    page = context.new_page()
    try:
        log_in(page, live_server, world.alice.user, language)
        path = "/portail/accueil/" if where == "accueil" else f"/portail/enfants/{world.enfant.pk}/planning/"
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".side-links").screenshot(path=str(SHOTS / f"side-links-{where}-{language}-{width}.png"))
        page.screenshot(path=str(SHOTS / f"{where}-{language}-{width}.png"))
        assert page.evaluate(CUT_LINKS) == []
    finally:
        context.close()
