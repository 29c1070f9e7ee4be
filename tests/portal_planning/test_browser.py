"""The planning in Chromium: menu by click, keyboard and right click, the absence dialog, a
weekly rhythm, a phone-sized screen, and axe with the menu and the dialog open.

The live server runs in another thread with the real clock: days are chosen relative to it.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from marelle.planning.models import Cell, CellState, Service
from marelle.planning.rules import local_today
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots to look at, not a secret


def next_monday(weeks_ahead: int = 1) -> dt.date:
    today = local_today(timezone.now())
    monday = today + dt.timedelta(days=7 - today.weekday())
    if (monday - today).days < 3:  # the booking deadline is two days before
        monday += dt.timedelta(days=7)
    return monday + dt.timedelta(days=7 * (weeks_ahead - 1))


@pytest.fixture
def planning(world):
    """Two services (one automatic, one sur validation), the school year around the days used."""
    world.school_year.start_date = dt.date(2026, 1, 1)
    world.school_year.end_date = dt.date(2030, 12, 31)
    world.school_year.save()
    garderie = f.ServiceFactory(
        etablissement=world.etablissement,
        name="GARDERIE MATIN",
        weekdays="01234",
        booking_mode=Service.BookingMode.AUTOMATIC,
        position=1,
    )
    cantine = f.ServiceFactory(etablissement=world.etablissement, name="RESTAURATION", weekdays="0134", position=2)
    for service in (garderie, cantine):
        f.InscriptionFactory(
            enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice
        )
    return garderie, cantine


def log_in(page, live_server, world):
    client = Client()
    client.force_login(world.alice.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def open_planning(page, live_server, world, day: dt.date):
    log_in(page, live_server, world)
    url = reverse("portal:planning", args=[world.enfant.pk])
    page.goto(f"{live_server.url}{url}?mois={day:%Y-%m}")
    page.wait_for_selector("#planning.js")


def cell(page, service_name: str, day: dt.date):
    label = f"{service_name}, {date_format(day, 'l j F Y')} :"
    return page.locator(f'.cell__btn[aria-label^="{label}"]')


def wait_state(page, service_name: str, day: dt.date, text: str):
    label = f"{service_name}, {date_format(day, 'l j F Y')} :"
    page.wait_for_selector(f'.cell__btn[aria-label^="{label}"][aria-label*="{text}"]')


def show_day(page, day: dt.date):
    """On a phone the month is shown week by week: go to the week of `day`."""
    for _ in range(6):
        if page.locator(f'.planning__days tbody:not([hidden]) td[data-date="{day:%Y-%m-%d}"]').count():
            return
        page.locator(".planning__week-nav [data-week-step='1']").click()
    raise AssertionError(f"no week shows {day}")


def label_of(locator) -> str:
    return locator.get_attribute("aria-label")


def assert_no_serious_violation(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
    assert not serious, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious]


def test_book_a_free_cell_by_click_without_reload(page, live_server, world, planning):
    day = next_monday()
    open_planning(page, live_server, world, day)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "planning-1280.png"), full_page=True)
    page.evaluate("window.__noReload = true")
    target = cell(page, "GARDERIE MATIN", day)
    assert "Libre" in label_of(target)
    target.click()
    menu = page.get_by_role("menu")
    assert menu.is_visible()
    items = menu.get_by_role("menuitem")
    assert items.all_inner_texts() == ["Demande de réservation"]
    page.screenshot(path=str(SHOTS / "planning-menu-1280.png"))
    items.first.click()
    wait_state(page, "GARDERIE MATIN", day, "Réservé")
    assert page.evaluate("window.__noReload") is True
    # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
    expect(page.locator("#planning-live")).to_contain_text("Demande de réservation enregistrée")
    assert Cell.objects.get(enfant=world.enfant, date=day).state == CellState.BOOKED


def test_book_by_keyboard(page, live_server, world, planning):
    day = next_monday()
    open_planning(page, live_server, world, day)
    start = page.locator('.cell__btn[tabindex="0"]')
    assert start.count() == 1
    start.focus()
    page.keyboard.press("Home")
    # From the first day of the month along the first row (GARDERIE MATIN), then down to RESTAURATION.
    for _ in range(day.day - 1):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith("RESTAURATION, ") and "Libre" in focused
    page.locator(".planning__scroll").screenshot(path=str(SHOTS / "planning-focus-1280.png"))
    assert page.evaluate("document.activeElement.tabIndex") == 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "menuitem"
    page.keyboard.press("Escape")
    assert page.get_by_role("menu").is_hidden()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == focused
    page.keyboard.press(" ")
    page.keyboard.press("Enter")
    wait_state(page, "RESTAURATION", day, "Demande en attente")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("RESTAURATION, ")
    assert Cell.objects.get(enfant=world.enfant, date=day).state == CellState.PENDING


def test_book_by_right_click(page, live_server, world, planning):
    day = next_monday()
    open_planning(page, live_server, world, day)
    cell(page, "GARDERIE MATIN", day).click(button="right")
    page.get_by_role("menuitem", name="Demande de réservation").click()
    wait_state(page, "GARDERIE MATIN", day, "Réservé")


def test_declare_an_absence_through_the_dialog(page, live_server, world, planning):
    garderie, _cantine = planning
    day = next_monday(2)
    f.CellFactory(enfant=world.enfant, service=garderie, date=day, state=CellState.BOOKED)
    open_planning(page, live_server, world, day)
    target = cell(page, "GARDERIE MATIN", day)
    target.click()
    menu = page.get_by_role("menu")
    assert menu.get_by_role("menuitem").all_inner_texts() == ["Déclaration d'absence"]
    assert_no_serious_violation(page)
    menu.get_by_role("menuitem").first.click()
    dialog = page.get_by_role("dialog", name="Déclaration d'absence")
    assert dialog.is_visible()
    assert dialog.get_by_role("radio").count() == 9
    page.screenshot(path=str(SHOTS / "planning-dialog-1280.png"))
    assert_no_serious_violation(page)
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    target.click()
    page.get_by_role("menuitem", name="Déclaration d'absence").click()
    dialog.get_by_label("RAISON MEDICALE").check()
    dialog.get_by_label("Commentaire (facultatif)").fill("Angine")
    dialog.get_by_role("button", name="Enregistrer").click()
    wait_state(page, "GARDERIE MATIN", day, "Absent excusé")
    assert dialog.is_hidden()
    assert Cell.objects.get(enfant=world.enfant, date=day).state == CellState.ABSENCE_EXCUSED


def test_a_bad_document_keeps_the_dialog_open_with_the_error(page, live_server, world, planning, tmp_path):
    garderie, _cantine = planning
    day = next_monday(2)
    f.CellFactory(enfant=world.enfant, service=garderie, date=day, state=CellState.BOOKED)
    bad = tmp_path / "certificat.pdf"
    bad.write_bytes(b"MZ not a pdf")
    open_planning(page, live_server, world, day)
    cell(page, "GARDERIE MATIN", day).click()
    page.get_by_role("menuitem", name="Déclaration d'absence").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("AUTRES").check()
    dialog.locator('input[type="file"]').set_input_files(str(bad))
    dialog.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("#absence-error:not(:empty)")
    assert "PDF, une image JPEG ou PNG" in page.locator("#absence-error").inner_text()
    assert dialog.is_visible()
    assert Cell.objects.get(enfant=world.enfant, date=day).state == CellState.BOOKED


def test_select_a_week_and_book_it(page, live_server, world, planning):
    day = next_monday(2)
    open_planning(page, live_server, world, day)
    page.get_by_role("button", name="Sélectionner plusieurs jours").click()
    week = page.locator(f'[data-week="{day:%Y-%m-%d}"]')  # a Monday: its week's button exists
    week.click()
    page.locator(".planning__grid tbody tr").nth(1).get_by_role(
        "button", name=re.compile("Sélectionner la ligne")
    ).click()
    page.screenshot(path=str(SHOTS / "planning-selection-1280.png"), full_page=True)
    page.locator(".planning__grid tbody tr").nth(1).get_by_role(
        "button", name=re.compile("Sélectionner la ligne")
    ).click()
    page.get_by_role("button", name="Réserver la sélection").click()
    # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
    expect(page.locator("#planning-live")).to_contain_text("Demande de réservation enregistrée")
    states = dict(Cell.objects.filter(enfant=world.enfant).values_list("date", "state").order_by())
    assert len(Cell.objects.filter(enfant=world.enfant, service=planning[0])) == 5  # garderie, Mon–Fri
    assert states[day] in {CellState.BOOKED, CellState.PENDING}


def test_apply_a_weekly_rhythm(page, live_server, world, planning):
    _garderie, cantine = planning
    start = next_monday()
    end = start + dt.timedelta(days=13)
    log_in(page, live_server, world)
    page.goto(live_server.url + reverse("portal:rythme", args=[world.enfant.pk]))
    page.get_by_label("RESTAURATION").check()
    page.get_by_label("Lundi").check()
    page.get_by_label("Jeudi").check()
    page.get_by_label("Du", exact=True).fill(start.isoformat())
    page.get_by_label("Au", exact=True).fill(end.isoformat())
    page.get_by_role("button", name="Voir l'aperçu").click()
    assert "4 jours seront demandés" in page.locator(".rythme__preview").inner_text()
    page.screenshot(path=str(SHOTS / "rythme-1280.png"), full_page=True)
    page.get_by_role("button", name=re.compile("Confirmer")).click()
    page.wait_for_url(re.compile(r"/planning/\?mois="))
    assert "4 jours : 4 × Demande en attente" in page.locator(".messages").inner_text()
    assert Cell.objects.filter(enfant=world.enfant, service=cantine, state=CellState.PENDING).count() == 4


def test_book_on_a_phone(phone_page, live_server, world, planning):
    page = phone_page
    day = next_monday()
    open_planning(page, live_server, world, day)
    # Days as rows, week by week (test_browser_phone); without JavaScript the grid scrolls in its box.
    show_day(page, day)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    page.screenshot(path=str(SHOTS / "planning-375.png"), full_page=True)
    target = cell(page, "GARDERIE MATIN", day)
    box = target.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    target.scroll_into_view_if_needed()
    target.tap()
    page.get_by_role("menuitem", name="Demande de réservation").tap()
    wait_state(page, "GARDERIE MATIN", day, "Réservé")
    # the day column stays in view
    header = page.locator(".planning__days tbody:not([hidden]) th.col-date").first
    assert header.bounding_box()["x"] <= 40
    page.screenshot(path=str(SHOTS / "planning-375-booked.png"))


def test_axe_on_the_planning_page(page, live_server, world, planning):
    day = next_monday()
    open_planning(page, live_server, world, day)
    assert_no_serious_violation(page)
    cell(page, "GARDERIE MATIN", day).click()
    assert_no_serious_violation(page)


def test_print_is_black_and_white_legible(page, live_server, world, planning):
    garderie, _cantine = planning
    day = next_monday()
    f.CellFactory(enfant=world.enfant, service=garderie, date=day, state=CellState.BOOKED)
    open_planning(page, live_server, world, day)
    page.emulate_media(media="print")
    page.screenshot(path=str(SHOTS / "planning-print.png"), full_page=True)
    assert page.locator(".planning__filters").is_hidden()
    assert cell(page, "GARDERIE MATIN", day).inner_text() == "✓"


def test_without_javascript_a_cell_leads_to_its_action_page(browser, live_server, world, planning):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        day = next_monday()
        log_in(page, live_server, world)
        url = reverse("portal:planning", args=[world.enfant.pk])
        page.goto(f"{live_server.url}{url}?mois={day:%Y-%m}")
        cell(page, "RESTAURATION", day).click()
        # Without JavaScript the click is a form submission: wait for the cell's own page.
        page.wait_for_url(re.compile(r"/planning/case/\?"))
        page.wait_for_load_state()
        page.screenshot(path=str(SHOTS / "planning-nojs-cell-1280.png"))
        page.get_by_role("button", name="Demande de réservation").click()
        page.wait_for_url(re.compile(r"/planning/\?mois="))
        assert "Demande en attente" in page.locator(".messages").inner_text()
        assert "Demande en attente" in label_of(cell(page, "RESTAURATION", day))
        # Many days at once: the selection mode is a page of checkboxes and a form.
        page.get_by_role("link", name="Sélectionner plusieurs jours").click()
        page.get_by_label(f"Sélectionner GARDERIE MATIN, {date_format(day, 'l j F Y')}").check()
        page.get_by_role("button", name="Réserver la sélection").click()
        page.wait_for_url(re.compile(r"/planning/\?mois="))
        assert "Réservé" in label_of(cell(page, "GARDERIE MATIN", day))
    finally:
        context.close()


def test_axe_on_the_demandes_and_rythme_pages(page, live_server, world, planning):
    _garderie, cantine = planning
    day = next_monday()
    f.CellFactory(enfant=world.enfant, service=cantine, date=day, state=CellState.PENDING)
    from marelle.planning.models import Demande

    Demande.objects.create(famille=world.famille, enfant=world.enfant, kind="reservation", created_at=timezone.now())
    log_in(page, live_server, world)
    page.goto(live_server.url + reverse("portal:demandes"))
    cancel = page.get_by_role("link", name=re.compile("Annuler la demande"))
    assert cancel.count() == 1
    assert_no_serious_violation(page)
    cancel.click()  # the confirmation, then back without cancelling
    page.get_by_role("button", name="Oui, annuler la demande").wait_for()
    assert_no_serious_violation(page)
    page.get_by_role("link", name="Non, la garder").click()
    page.wait_for_url("**/portail/demandes/**")
    assert Demande.objects.get().status == "pending"
    page.goto(live_server.url + reverse("portal:rythme", args=[world.enfant.pk]))
    assert_no_serious_violation(page)


def test_shift_click_selects_a_range_then_one_action_for_all(page, live_server, world, planning):
    _garderie, cantine = planning
    # The first coming week whose Monday and Thursday fall in the same month (one grid).
    monday = next(m for m in (next_monday(w) for w in range(1, 4)) if (m + dt.timedelta(days=3)).month == m.month)
    thursday = monday + dt.timedelta(days=3)
    open_planning(page, live_server, world, monday)
    page.get_by_role("button", name="Sélectionner plusieurs jours").click()
    first = cell(page, "RESTAURATION", monday)
    first.click()
    assert first.get_attribute("aria-pressed") == "true"
    cell(page, "RESTAURATION", thursday).click(modifiers=["Shift"])
    # Mon, Tue, Thu: the Wednesday is closed for this service and cannot be picked.
    assert page.locator("#selection-count").inner_text() == "3 jours sélectionnés."
    page.get_by_role("button", name="Réserver la sélection").click()
    wait_state(page, "RESTAURATION", thursday, "Demande en attente")
    assert Cell.objects.filter(enfant=world.enfant, service=cantine, state=CellState.PENDING).count() == 3
    assert page.locator("#selection-count").inner_text() == "Aucun jour sélectionné."


def test_a_booking_does_not_move_the_grid_on_a_phone(phone_page, live_server, world, planning):
    """The confirmation is a toast over the page: the next tap lands where the thumb aims."""
    page = phone_page
    day = next_monday()
    open_planning(page, live_server, world, day)
    show_day(page, day)
    other = cell(page, "RESTAURATION", day + dt.timedelta(days=1))
    cell(page, "GARDERIE MATIN", day).click()  # the menu opens, its first item focused
    before = other.bounding_box()
    page.keyboard.press("Enter")  # no pointer move: only the page itself could shift the grid
    wait_state(page, "GARDERIE MATIN", day, "Réservé")
    expect(page.locator("#planning-live")).to_contain_text("Demande de réservation enregistrée")
    assert other.bounding_box() == before
    page.screenshot(path=str(SHOTS / "planning-toast-375.png"))


def test_in_selection_mode_the_keyboard_never_hides_a_cell_under_the_bar(phone_page, live_server, world, planning):
    page = phone_page
    day = next_monday()
    open_planning(page, live_server, world, day)
    page.click("#selection-toggle")
    page.evaluate("window.scrollTo(0, 0)")  # the grid below the fold: focusing scrolls it up from the bottom
    page.locator('.cell__btn[tabindex="0"]').focus()
    for key in ["Home", "ArrowDown", "ArrowRight", "ArrowRight", "ArrowUp", "ArrowRight", "ArrowDown"]:
        page.evaluate("window.scrollTo(0, 0)")
        page.keyboard.press(key)
        box = page.evaluate(
            "(() => { const r = document.activeElement.getBoundingClientRect();"
            " const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
            " return hit && hit.closest('td') === document.activeElement.closest('td'); })()"
        )
        assert box, f"the focused cell is covered after {key}"
    page.screenshot(path=str(SHOTS / "planning-selection-focus-375.png"))


def test_in_forced_colours_a_day_without_service_does_not_look_free(browser, live_server, world, planning):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", forced_colors="active")
    page = context.new_page()
    try:
        day = next_monday()
        open_planning(page, live_server, world, day)
        wednesday = day + dt.timedelta(days=2)  # RESTAURATION has no service on Wednesdays
        off = cell(page, "RESTAURATION", wednesday)
        free = cell(page, "RESTAURATION", day)

        def shown(locator):
            return locator.evaluate(
                "b => getComputedStyle(b.querySelector('span'), '::before').content + '|' + b.innerText.trim()"
            )

        assert "Pas de service" in label_of(off) or "pas de service" in label_of(off)
        assert shown(off) != shown(free)  # a dash against nothing: not told apart by colour alone
        page.screenshot(path=str(SHOTS / "planning-forced-colours-1280.png"), full_page=True)
    finally:
        context.close()


SHOWN = """el => {
  const inner = el.matches('.cell') ? el.querySelector('.cell__btn > span') : el;
  return getComputedStyle(inner, '::before').content.replace(/^none$/, '') + '|' + inner.textContent.trim();
}"""


def test_in_forced_colours_every_state_shows_its_own_symbol(browser, live_server, world, planning):
    """Forced colours drop every background: what is left on screen (the symbol or letters,
    and the dash drawn for a day without service) tells each state of the legend apart, and a
    cell of the grid shows the same as its state's legend entry."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", forced_colors="active")
    page = context.new_page()
    try:
        open_planning(page, live_server, world, next_monday())
        swatches = page.locator(".legend__swatch")
        shown = [(s.get_attribute("class"), s.evaluate(SHOWN)) for s in swatches.all()]
        assert len(shown) >= 15
        by_look: dict[str, list[str]] = {}
        for css, look in shown:
            by_look.setdefault(look, []).append(css)
        assert all(len(v) == 1 for v in by_look.values()), by_look  # no two states look alike
        legend: dict[str, set[str]] = {}  # a state's classes -> its looks (a closed day: F or P)
        for css, look in shown:
            legend.setdefault(_states(css), set()).add(look)
        cells = page.locator(".planning__grid td.cell").all()
        assert len(cells) > 20
        for td in cells:
            state = _states(td.get_attribute("class"))
            assert td.evaluate(SHOWN) in legend[state], (td.get_attribute("data-key"), state)
    finally:
        context.close()


def _states(css: str) -> str:
    return " ".join(sorted(c for c in css.split() if c.startswith("st-")))
