"""Focus after an action, in Chromium: a refused form puts the keyboard on an error summary
whose links lead to the fields; a redirect after a POST puts it on the message; the absence
dialog says itself what is missing. A plain visit moves nothing."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from marelle.planning.models import CellState
from marelle.planning.rules import Action
from marelle.planning.services import demande_submit
from tests import factories as f
from tests.backoffice.test_browser import login
from tests.portal_planning.test_browser import cell, next_monday, open_planning, planning  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SHOTS_DIR", "/tmp/shots")  # noqa: S108 - screenshots to look at


def shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/focus-{name}.png", full_page=True)


def active_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def focused_message(page) -> str:
    """The text of the focused element, which must be the message, not the whole page."""
    assert page.evaluate("document.activeElement.closest('main') !== null")
    return page.evaluate("document.activeElement.closest('.messages') ? document.activeElement.textContent : ''")


def assert_summary_links_lead_to_fields(page) -> None:
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.get_by_role("heading").count() == 1
    hrefs = [a.get_attribute("href") for a in summary.locator("a").all()]
    assert hrefs
    for href in hrefs:
        assert href.startswith("#")
        target = page.locator(href)
        assert target.count() == 1, href
        assert target.evaluate("el => el.matches('input, select, textarea')"), href
    # Following a link puts the keyboard in the field.
    summary.locator("a").first.click()
    assert "#" + active_id(page) == hrefs[0]


def test_a_refused_rythme_puts_focus_on_the_error_summary(page, live_server, world, planning):  # noqa: F811
    login(page, live_server, world.alice.user)
    page.goto(live_server.url + reverse("portal:rythme", args=[world.enfant.pk]))
    assert page.evaluate("document.activeElement === document.body")  # a plain visit: nothing moves
    for box in page.locator('input[name="weekdays"]').all():
        box.uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Voir l'aperçu").click()
    assert active_id(page) == "error-summary"
    assert "#apercu-title" not in page.url  # no anchor without a target
    assert "Jours de la semaine" in page.locator("#error-summary").inner_text()
    # Each group says what is wrong with it.
    for name in ("services", "weekdays"):
        fieldset = page.locator(f'fieldset:has(input[name="{name}"])')
        described = fieldset.get_attribute("aria-describedby")
        assert described and page.locator(f"#{described}").inner_text(), name
        assert page.locator(f'input[name="{name}"]').first.get_attribute("aria-invalid") == "true"
    shot(page, "rythme-error")
    assert_summary_links_lead_to_fields(page)


def test_a_rythme_preview_then_confirmation_keep_the_focus_on_the_answer(page, live_server, world, planning):  # noqa: F811
    start = next_monday()
    login(page, live_server, world.alice.user)
    page.goto(live_server.url + reverse("portal:rythme", args=[world.enfant.pk]))
    page.get_by_label("RESTAURATION").check()
    page.get_by_label("Du", exact=True).fill(start.isoformat())
    page.get_by_label("Au", exact=True).fill((start + dt.timedelta(days=13)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Voir l'aperçu").click()
    assert active_id(page) == "apercu-title"
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Confirmer")).click()
    assert "/planning/" in page.url
    assert "Demande en attente" in focused_message(page)


def test_cancelling_from_the_list_puts_focus_on_the_message(page, live_server, world, planning):  # noqa: F811
    _garderie, cantine = planning
    demande_submit(
        actor=world.alice.user,
        enfant=world.enfant,
        action=Action.BOOK,
        cells=[(cantine.pk, next_monday())],
        now=timezone.now(),
    )
    login(page, live_server, world.alice.user)
    page.goto(live_server.url + reverse("portal:demandes"))
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Annuler la demande")).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Oui, annuler la demande").click()
    assert "/portail/demandes/" in page.url
    assert "La demande a été annulée." in focused_message(page)
    assert page.locator(".messages").is_visible()
    shot(page, "demandes-cancelled")


def test_a_bad_iban_in_the_back_office_puts_focus_on_the_summary(page, live_server, world):
    login(page, live_server, world.agent.user)
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(live_server.url + reverse("backoffice:famille_edit", args=[world.famille.pk]))
    page.get_by_label("IBAN", exact=True).fill("FR76 1234 5678 9012 3456 7890 000")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert active_id(page) == "error-summary"
    summary = page.locator("#error-summary")
    assert "IBAN" in summary.inner_text()
    box = summary.bounding_box()
    assert box["y"] + box["height"] <= 700  # in the first screen, not below the fold
    assert page.locator('a[href="#id_iban"]').count() == 1
    shot(page, "bo-iban-error")
    assert_summary_links_lead_to_fields(page)


def test_the_absence_dialog_says_a_reason_is_missing(page, live_server, world, planning):  # noqa: F811
    garderie, _cantine = planning
    day = next_monday(2)
    f.CellFactory(enfant=world.enfant, service=garderie, date=day, state=CellState.BOOKED)
    open_planning(page, live_server, world, day)
    cell(page, "GARDERIE MATIN", day).click()
    page.get_by_role("menuitem", name="Déclaration d'absence").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Commentaire (facultatif)").fill("Angine")
    dialog.get_by_role("button", name="Enregistrer").click()
    error = page.locator("#absence-error")
    assert "motif" in error.inner_text().lower()
    assert page.evaluate("document.activeElement.name") == "reason"
    assert page.locator("#absence-dialog fieldset.reasons").get_attribute("aria-describedby") == "absence-error"
    assert dialog.is_visible()
    shot(page, "absence-missing-reason")
    # Choosing a reason then saving works, and the error line is cleared on the next opening.
    dialog.get_by_label("RAISON MEDICALE").check()
    dialog.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("#absence-dialog:not([open])", state="attached")
