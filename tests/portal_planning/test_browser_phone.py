"""The planning on a phone, for one thumb: the grid first under the child's name, the month
week by week with days as rows and services as columns (planning.js moves the server's cells
into that table), 44 px targets, no sideways page scroll; the normal grid on a wide screen.

The live server runs with the real clock: the "current week" tests use today's month, the
others a fixed month of the school year (March 2027 starts on a Monday).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from marelle.planning.models import Cell, CellState
from marelle.planning.rules import local_today
from tests.backoffice.test_browser import serious_violations
from tests.portal_planning import test_browser as base
from tests.portal_planning.test_browser import SHOTS, cell, log_in, next_monday, open_planning, show_day, wait_state

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MARCH = dt.date(2027, 3, 1)  # a Monday: the month's first week is 1–7 March

planning = base.planning  # the fixture: two services


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def make(width: int = 360, height: int = 740, **options):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="fr-FR", has_touch=True, is_mobile=True, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def shown_dates(page) -> list[str]:
    """The days of the week shown, in row order (each row's first cell's date)."""
    return page.locator(".planning__days tbody:not([hidden]) tr").evaluate_all(
        "rows => rows.map(r => r.querySelector('td.cell').dataset.date)"
    )


def week_in_month(monday: dt.date, month: dt.date) -> list[str]:
    days = (monday + dt.timedelta(days=i) for i in range(7))
    return [d.isoformat() for d in days if (d.year, d.month) == (month.year, month.month)]


def test_the_first_cell_is_on_the_first_screen_below_the_childs_name(phone, live_server, world, planning):
    page = phone(360, 740)
    open_planning(page, live_server, world, MARCH)
    page.evaluate("window.scrollTo(0, 0)")
    first = page.locator(".planning__days tbody:not([hidden]) .cell__btn").first.bounding_box()
    name = page.locator("h1").bounding_box()
    assert first["y"] >= name["y"] + name["height"]
    assert first["y"] + first["height"] <= 740
    # The child's card and the legend are one tap away.
    assert page.locator("#child-details").evaluate("d => d.open") is False
    page.locator("#child-details > summary").tap()
    expect(page.get_by_role("heading", name="Services auxquels cet enfant est inscrit")).to_be_visible()
    assert page.locator("#legend").evaluate("d => d.open") is False
    page.locator("#legend > summary").tap()
    expect(page.locator(".legend__list")).to_be_visible()


@pytest.mark.parametrize("width", [320, 360])
def test_no_sideways_page_scroll_on_a_phone(phone, live_server, world, planning, width):
    page = phone(width)
    open_planning(page, live_server, world, MARCH)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"planning-phone-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    table = page.locator(".planning__days")
    assert page.evaluate("el => el.scrollWidth <= el.clientWidth", page.locator(".planning__scroll").element_handle())
    assert table.bounding_box()["width"] <= width


def test_days_as_rows_the_current_week_first_with_44px_cells(phone, live_server, world, planning):
    page = phone(360)
    today = local_today(timezone.now())
    open_planning(page, live_server, world, today)
    monday = today - dt.timedelta(days=today.weekday())
    assert shown_dates(page) == week_in_month(monday, today)
    # Services as columns: one header per service after the day column.
    headers = page.locator(".planning__days thead th").all_inner_texts()
    assert [h.strip() for h in headers[1:]] == ["GARDERIE MATIN", "RESTAURATION"]
    assert page.locator(".planning__days tbody:not([hidden]) th.col-date.is-today").count() == 1
    for box in page.locator(".planning__days tbody:not([hidden]) .cell__btn").evaluate_all(
        "bs => bs.map(b => { const r = b.getBoundingClientRect(); return [r.width, r.height]; })"
    ):
        assert box[0] >= 44 and box[1] >= 44
    # Every cell of the month is in the days table, none left in the server's (hidden) table.
    assert page.locator(".planning__grid:not(.planning__days) td.cell").count() == 0
    assert (
        page.locator(".planning__days td.cell").count()
        == 2 * (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1).__sub__(today.replace(day=1)).days
    )


HEADERS_CLEAR = """() => {
  const ths = [...document.querySelectorAll('.planning__days thead th')];
  const spill = ths.filter(th => th.scrollWidth > th.clientWidth + 1).map(th => th.innerText);
  const rects = ths.map(th => th.getBoundingClientRect());
  const overlap = rects.slice(1).some((r, i) => r.left < rects[i].right - 1);
  const cells = [...document.querySelectorAll('.planning__days tbody:not([hidden]) .cell__btn')]
    .map(b => b.getBoundingClientRect()).filter(r => r.width < 44 || r.height < 44).length;
  return {spill, overlap, cells, page: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("text", ["100%", "200%"])
def test_service_names_never_run_into_each_other(phone, live_server, world, planning, text):
    """At 200 % text the names wrap inside their column, the cells keep 44 px, and the table
    scrolls in its own box rather than the page."""
    page = phone(360)
    open_planning(page, live_server, world, next_monday())
    page.evaluate(f"document.documentElement.style.fontSize = '{text}'")
    found = page.evaluate(HEADERS_CLEAR)
    assert found == {"spill": [], "overlap": False, "cells": 0, "page": 360}, found
    page.screenshot(path=str(SHOTS / f"phone-days-headers-{text[:-1]}.png"))


def test_a_menu_opened_low_on_the_screen_does_not_scroll_the_page(phone, live_server, world, planning):
    """The thumb taps a cell near the bottom of the screen: the menu opens above it, in view,
    and the grid does not move."""
    page = phone(360)
    day = next_monday()
    open_planning(page, live_server, world, day)
    show_day(page, day)
    target = cell(page, "GARDERIE MATIN", day)
    # Scroll so that the cell sits just above the bottom of the screen.
    page.evaluate(
        "b => window.scrollBy(0, b.getBoundingClientRect().bottom - (innerHeight - 20))", target.element_handle()
    )
    before = page.evaluate("() => [window.scrollY, innerHeight]")
    box = target.bounding_box()
    target.tap()
    menu = page.locator("#cell-menu")
    expect(menu).to_be_visible()
    assert page.evaluate("window.scrollY") == before[0]
    assert target.bounding_box() == box
    shown = menu.bounding_box()
    assert shown["y"] >= 0 and shown["y"] + shown["height"] <= before[1], shown
    page.screenshot(path=str(SHOTS / "phone-menu-low-360.png"))


def test_the_week_buttons_go_through_the_month(phone, live_server, world, planning):
    page = phone(360)
    open_planning(page, live_server, world, MARCH)
    assert shown_dates(page) == week_in_month(MARCH, MARCH)
    previous = page.get_by_role("button", name="Semaine précédente")
    assert previous.get_attribute("aria-disabled") == "true"
    page.get_by_role("button", name="Semaine suivante").tap()
    assert shown_dates(page) == week_in_month(MARCH + dt.timedelta(days=7), MARCH)
    expect(page.locator(".planning__week-title")).to_have_text("Semaine du 8 mars")
    previous.tap()
    assert shown_dates(page) == week_in_month(MARCH, MARCH)


def test_book_by_tap_in_the_days_view_without_reload_and_without_moving(phone, live_server, world, planning):
    page = phone(360)
    day = next_monday()
    open_planning(page, live_server, world, day)
    show_day(page, day)
    page.evaluate("window.__noReload = true")
    target = cell(page, "GARDERIE MATIN", day)
    target.scroll_into_view_if_needed()
    target.tap()  # the menu opens under the cell (the page may scroll to show it)
    before = target.bounding_box()
    assert before["width"] >= 44 and before["height"] >= 44
    page.get_by_role("menuitem", name="Demande de réservation").tap()
    wait_state(page, "GARDERIE MATIN", day, "Réservé")
    expect(page.locator("#planning-live")).to_contain_text("Demande de réservation enregistrée")
    assert page.evaluate("window.__noReload") is True
    # The fresh cell from the server took the old one's place, in the days table.
    fresh = cell(page, "GARDERIE MATIN", day)
    assert fresh.evaluate("b => !!b.closest('.planning__days tbody:not([hidden])')")
    assert fresh.bounding_box() == before
    assert Cell.objects.get(enfant=world.enfant, date=day).state == CellState.BOOKED
    page.screenshot(path=str(SHOTS / "planning-phone-booked-360.png"))


def test_arrow_keys_in_the_days_view(phone, live_server, world, planning):
    page = phone(360)
    open_planning(page, live_server, world, MARCH)
    page.locator('.planning__days .cell__btn[tabindex="0"]').focus()

    def focused():
        return page.evaluate(
            "[document.activeElement.getAttribute('aria-label').split(',')[0],"
            " document.activeElement.closest('td').dataset.date]"
        )

    page.keyboard.press("Home")
    assert focused() == ["GARDERIE MATIN", "2027-03-01"]
    page.keyboard.press("ArrowRight")  # the next service, same day
    assert focused() == ["RESTAURATION", "2027-03-01"]
    page.keyboard.press("ArrowDown")  # the next day, same service
    assert focused() == ["RESTAURATION", "2027-03-02"]
    for _ in range(6):  # down past Sunday: the next week is shown
        page.keyboard.press("ArrowDown")
    assert focused() == ["RESTAURATION", "2027-03-08"]
    assert shown_dates(page) == week_in_month(MARCH + dt.timedelta(days=7), MARCH)
    page.keyboard.press("ArrowUp")
    assert focused() == ["RESTAURATION", "2027-03-07"]
    assert shown_dates(page) == week_in_month(MARCH, MARCH)


def test_the_skip_link_lands_on_a_cell(phone, live_server, world, planning):
    page = phone(360)
    open_planning(page, live_server, world, MARCH)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au planning"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.classList.contains('cell__btn')")


def test_widening_brings_the_normal_grid_back(phone, live_server, world, planning):
    page = phone(360)
    open_planning(page, live_server, world, MARCH)
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator(".planning__days")).to_have_count(0)
    rows = page.locator(".planning__grid tbody tr")
    assert [rows.nth(i).locator("td.cell").count() for i in range(rows.count())] == [31, 31]
    page.set_viewport_size({"width": 360, "height": 740})
    expect(page.locator(".planning__days")).to_have_count(1)
    assert shown_dates(page) == week_in_month(MARCH, MARCH)


def test_on_a_wide_screen_the_normal_grid_and_the_card(page, live_server, world, planning):
    open_planning(page, live_server, world, MARCH)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "planning-wide-1280.png"), full_page=True)
    assert page.locator(".planning__days").count() == 0
    assert page.locator(".planning__grid thead th.col-day").count() == 31  # days as columns
    expect(page.get_by_role("heading", name="Mon enfant")).to_be_visible()
    expect(page.get_by_role("heading", name="Services auxquels cet enfant est inscrit")).to_be_visible()
    expect(page.locator(".legend__list")).to_be_visible()


def test_axe_on_the_days_view(phone, live_server, world, planning):
    page = phone(360)
    open_planning(page, live_server, world, MARCH)
    assert serious_violations(page) == []
    cell(page, "GARDERIE MATIN", MARCH + dt.timedelta(days=1)).tap()
    assert serious_violations(page) == []


def test_without_javascript_the_grid_scrolls_in_its_own_box(phone, live_server, world, planning):
    page = phone(360, java_script_enabled=False)
    log_in(page, live_server, world)
    page.goto(f"{live_server.url}{reverse('portal:planning', args=[world.enfant.pk])}?mois=2027-03")
    scroller = page.locator(".planning__scroll")
    assert page.evaluate("el => el.scrollWidth > el.clientWidth", scroller.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
