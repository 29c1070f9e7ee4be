"""axe finds no violation, at any impact (minor and moderate included), on every page of the
portal and the back office (tests/every_page.py: the access-matrix lists and a few states), at
1280 and 360 px wide. One browser context per role; every violation of every page is listed
in one failure."""

from __future__ import annotations

import pytest

from tests.backoffice.conftest import bo  # noqa: F401 - fixture: commune B's objects
from tests.backoffice.test_browser import login
from tests.every_page import Page, html_pages, users

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 360)

# axe's default rules, and an experimental one: a control's visible text is part of its name.
OPTIONS = {"resultTypes": ["violations"], "rules": {"label-content-name-mismatch": {"enabled": True}}}

# Known violations left to their owners, each scoped to one rule and one element (a CSS
# selector axe reports); remove an entry once its fix lands.
EXCLUDED: dict[str, tuple[str, ...]] = {}


def violations(page) -> list[tuple[str, str, list]]:
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for v in Axe().run(page, options=OPTIONS).response["violations"]:
        targets = [" ".join(n["target"]) for n in v["nodes"] if not _excluded(v["id"], n["target"])]
        if targets:
            found.append((v["id"], v["impact"], targets[:3]))
    return found


def _excluded(rule: str, target: list[str]) -> bool:
    return any(" ".join(target).endswith(selector) for selector in EXCLUDED.get(rule, ()))


def visit(page, live_server, item: Page) -> None:
    response = page.goto(live_server.url + item.url)
    assert response.ok, (item, response.status)
    if item.post is not None:  # fill the form the way a user would, then send it
        for name, value in item.post.items():
            if isinstance(value, list):
                field = page.locator(f'[name="{name}"]')
                for box in field.all():
                    box.set_checked(box.get_attribute("value") in map(str, value))
            else:
                page.locator(f'[name="{name}"]').fill(value)
        with page.expect_navigation():
            page.locator(f'[name="{name}"]').evaluate("el => el.form.requestSubmit()")


def test_axe_finds_nothing_on_any_page(browser, live_server, world, bo):  # noqa: F811 - the fixture
    pages = [item for item, _content in html_pages(world, bo)]
    problems = []
    for role in ("public", "parent", "agent"):
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(10_000)
        if role != "public":
            login(page, live_server, users(world)[role])
        try:
            for item in (p for p in pages if p.role == role):
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    visit(page, live_server, item)
                    problems += [(item.name, width, *v) for v in violations(page)]
        finally:
            context.close()
    assert not problems, "\n".join(map(str, problems))
    assert len(pages) > 60
