"""Billing as its users click it, in Chromium: the agent previews last month and issues it,
lists the invoices, downloads the SEPA file; the parent sees the invoice on Accueil, opens
its PDF and pays it at the stand-in bank. axe on each page; screenshots at 1280 and 375 px."""

from __future__ import annotations

import datetime as dt

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
            parent.get_by_role("button", name="Accepter").click()
            parent.wait_for_load_state()
            confirmed = Payment.objects.filter(status=Payment.Status.CONFIRMED)
            assert [p.amount for p in confirmed] == [facture.total]
            parent.goto(f"{live_server.url}/portail/accueil/")
            parent.get_by_text("Aucune facture impayée.").wait_for()
        context.close()
