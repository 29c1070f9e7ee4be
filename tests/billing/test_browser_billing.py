"""Billing as its users click it, in Chromium: the agent previews last month and issues it,
lists the invoices, downloads the SEPA file; the parent sees the invoice on Accueil, opens
its PDF and pays it at the stand-in bank. axe on each page; screenshots at 1280 and 375 px."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from marelle.billing.models import Facture, Payment
from marelle.planning.models import CellState
from marelle.planning.rules import local_today
from tests.backoffice.test_browser import login, serious_violations, shot
from tests.billing.test_runs import cells, school_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def last_month(world, cantine, cantine_tarif, settings):
    settings.PAYMENT_STANDIN_BANK = True
    world.famille.quotient_familial = 620
    world.famille.save()
    month = (local_today(timezone.now()).replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    cells(world.enfant, cantine, school_days(month)[:5], CellState.BOOKED)
    world.agent.user.user_permissions.add(Permission.objects.get(codename="issue_invoices"))
    return month


def test_agent_issues_the_month_and_the_parent_pays_it_online(browser, live_server, page, world, regie, last_month):
    login(page, live_server, world.agent.user)
    page.goto(f"{live_server.url}/gestion/facturation/")
    page.select_option("select[name=regie]", str(regie.pk))
    page.fill("input[name=month]", last_month.strftime("%Y-%m"))
    page.click("form.bo-filters button[type=submit]")
    page.get_by_text("1 facture à émettre, total 16,00").wait_for()
    assert page.get_by_text("QF 620").count() >= 1
    assert serious_violations(page) == []
    shot(page, "billing_preview")
    page.get_by_role("button", name="Émettre 1 facture").click()
    page.get_by_text("1 facture(s) émise(s)").wait_for()
    facture = Facture.objects.get()
    assert serious_violations(page) == []
    shot(page, "billing_run")
    page.goto(f"{live_server.url}/gestion/facturation/factures/?unpaid=on")
    page.get_by_role("link", name=f"{facture.number} (PDF)").wait_for()
    assert serious_violations(page) == []

    for width in (1280, 375):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="fr-FR")
        parent = context.new_page()
        parent.set_default_timeout(10_000)
        login(parent, live_server, world.alice.user)
        parent.goto(f"{live_server.url}/portail/accueil/")
        parent.get_by_text(facture.number).first.wait_for()
        assert parent.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(parent) == []
        shot(parent, f"billing_accueil_{width}")
        pdf = parent.request.get(
            live_server.url + parent.get_by_role("link", name=facture.number).first.get_attribute("href")
        )
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
        if width == 375:
            parent.get_by_role("button", name=f"Payer en ligne la facture {facture.number}").click()
            with parent.expect_navigation():
                parent.get_by_role("button", name="Accepter").click()
            confirmed = Payment.objects.filter(status=Payment.Status.CONFIRMED)
            assert [p.amount for p in confirmed] == [facture.total]
            parent.goto(f"{live_server.url}/portail/accueil/")
            parent.get_by_text("Aucune facture impayée.").wait_for()
        context.close()


def test_the_planning_shows_the_price_before_booking(page, live_server, world, cantine, cantine_tarif):
    from django.utils.formats import date_format

    from tests.portal_planning.test_browser import next_monday

    world.famille.quotient_familial = 620
    world.famille.save()
    monday = next_monday()
    thursday = monday + dt.timedelta(days=3)
    login(page, live_server, world.alice.user)
    page.goto(f"{live_server.url}/portail/enfants/{world.enfant.pk}/planning/?mois={monday:%Y-%m}")
    page.wait_for_selector("#planning.js")

    def cell(day):
        return page.locator(f'.cell__btn[aria-label^="RESTAURATION, {date_format(day, "l j F Y")} :"]')

    # One day: the menu's booking item says what it costs.
    cell(monday).click()
    page.get_by_role("menuitem", name="Prix : RESTAURATION : 1 jour × 3,20 € = 3,20 €").wait_for()
    page.keyboard.press("Escape")
    # Several days: the selection bar adds them up before anything is sent.
    page.click("#selection-toggle")
    cell(monday).click()
    cell(thursday).click()
    price = page.locator("#selection-price")
    price.get_by_text("Prix si tout est réservé : RESTAURATION : 2 jours × 3,20 € = 6,40 €").wait_for()
    assert serious_violations(page) == []
    shot(page, "planning_price")
    cell(thursday).click()  # unpicked: the price follows
    price.get_by_text("1 jour × 3,20 € = 3,20 €").wait_for()
    assert not world.enfant.cells.exists()  # nothing booked by looking at prices


def test_parent_opens_the_pdf_from_the_releve_and_agent_downloads_the_pain008(
    browser, live_server, page, world, regie, last_month, tmp_path
):
    from lxml import etree

    from marelle.billing.services import sepa
    from marelle.billing.services.runs import invoice_run_issue
    from marelle.billing.services.sepa_xml import schema_path
    from tests.billing.test_portal_account import pdf_text

    regie.sepa_ics, regie.sepa_creditor_name = "FR12ZZZ123456", "Régie de Chatte"
    regie.sepa_iban, regie.sepa_bic = "FR7630006000011234567890189", "AGRIFRPP"
    regie.save()
    invoice_run_issue(regie=regie, month=last_month, actor=None)
    facture = Facture.objects.get()
    sepa.mandat_create(
        responsable=world.alice,
        iban="FR7630001007941234567890185",
        signed_on=last_month,
        actor=None,
        now=timezone.now(),
        regie=regie,
    )

    # The parent: Relevé de compte, the invoice's line opens its PDF.
    for width in (1280, 375):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="fr-FR", accept_downloads=True)
        parent = context.new_page()
        parent.set_default_timeout(10_000)
        login(parent, live_server, world.alice.user)
        parent.goto(f"{live_server.url}/portail/releve/")
        link = parent.locator(f'a[href="/portail/factures/{facture.pk}/pdf/"]').first
        link.wait_for()
        assert parent.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(parent) == []
        shot(parent, f"billing_releve_{width}")
        with parent.expect_download() as download:
            link.click(modifiers=["Alt"])  # Alt-click: Chromium saves the link instead of following it
        text = pdf_text(open(download.value.path(), "rb").read())  # noqa: PTH123, SIM115
        assert facture.number in text and world.famille.numero in text and "16,00" in text
        context.close()

    # The agent: the month's direct-debit file, created then downloaded.
    login(page, live_server, world.agent.user)
    page.goto(f"{live_server.url}/gestion/facturation/sepa/")
    page.select_option("select[name=regie]", str(regie.pk))
    page.fill("input[name=collection_date]", (local_today(timezone.now()) + dt.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Créer le fichier").click()
    page.get_by_text("Fichier de prélèvements créé : 1 prélèvement, 16,00 €.").wait_for()
    assert serious_violations(page) == []
    shot(page, "billing_sepa_batch")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le pain.008").first.click()
    xml = etree.parse(download.value.path())
    assert etree.XMLSchema(etree.parse(str(schema_path("pain.008.001.02")))).validate(xml)
    assert facture.number in etree.tostring(xml).decode()


def test_on_a_phone_the_priced_menu_above_a_low_cell_stays_clear_of_it(
    browser, live_server, world, cantine, cantine_tarif
):
    """A cell near the bottom of a phone's screen: the menu opens above it, and when its price
    arrives the taller menu still ends above the cell; the price reads white on the highlighted
    item (it was grey on the accent colour)."""
    from django.utils.formats import date_format

    from tests.portal_planning.test_browser import next_monday, show_day

    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fr-FR", has_touch=True, is_mobile=True
    )
    page = context.new_page()
    try:
        monday = next_monday()
        login(page, live_server, world.alice.user)
        page.goto(f"{live_server.url}/portail/enfants/{world.enfant.pk}/planning/?mois={monday:%Y-%m}")
        page.wait_for_selector("#planning.js")
        show_day(page, monday)
        target = page.locator(f'.cell__btn[aria-label^="RESTAURATION, {date_format(monday, "l j F Y")} :"]')
        page.evaluate(
            "b => window.scrollBy(0, b.getBoundingClientRect().bottom - (innerHeight - 20))", target.element_handle()
        )
        target.tap()
        item = page.get_by_role("menuitem", name=re.compile(r"Prix : RESTAURATION : 1 jour × "))
        item.wait_for()
        menu, cell_box = page.locator("#cell-menu").bounding_box(), target.bounding_box()
        assert menu["y"] + menu["height"] <= cell_box["y"] + 1, (menu, cell_box)
        colours = item.evaluate(
            "i => [getComputedStyle(i).color, getComputedStyle(i.querySelector('.cell-menu__price')).color]"
        )
        assert colours[0] == colours[1], colours
        shot(page, "phone-priced-menu-360")
    finally:
        context.close()
