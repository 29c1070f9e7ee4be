"""Every GET page of the portal and the back office, for the checkers that look at pages (axe in
tests/test_axe_every_page.py, the Nu HTML checker in tests/test_html_validity.py).

The URLs come from the access-matrix lists (tests/portal/test_access.py,
tests/backoffice/test_access.py), so a page added there is checked here too. Their object URLs
are built from commune B (Têche): Bob's family and commune B's agent see them, so those two
users visit every page. Some data is added so that pages show their lists and tables (an
invoice, a payment, a booked day, a pending demande), and a few states are added by hand: the
planning in selection mode, a cell's own page (booked: the absence form; free: the booking),
the rhythm's preview (a POST: Page.post)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse

from marelle.billing.models import Payment
from marelle.planning.models import CellState
from tests import factories as f
from tests.backoffice import test_access as backoffice_access
from tests.backoffice.conftest import DAY
from tests.billing.factories import PaymentFactory
from tests.billing.payments_setup import make_facture, make_regie
from tests.portal import test_access as portal_access


@dataclass(frozen=True)
class Page:
    role: str  # "public", "parent" or "agent"
    name: str
    url: str
    post: dict | None = None  # a form posted to reach the state (the rhythm's preview)


def _data(world, bo):
    """Lists with rows: an invoice, a payment and a card payment back from the bank, a booked
    day next to the pending demande. Returns the régie."""
    regie = make_regie(world.other_commune)
    facture = make_facture(world.bob, regie, issued_on=DAY.replace(day=1) - dt.timedelta(days=30))
    PaymentFactory(famille=world.other_famille, facture=facture, regie=regie, received_on=DAY - dt.timedelta(days=3))
    PaymentFactory(
        famille=world.other_famille, facture=facture, regie=regie, method=Payment.Method.CARD, reference="AUDIT-1"
    )
    f.CellFactory(
        enfant=world.other_enfant, service=bo.other_service, date=DAY + dt.timedelta(days=1), state=CellState.BOOKED
    )
    return regie


def every_page(world, bo) -> list[Page]:
    """The pages, in a stable order; each object URL is built once (some builders create data)."""
    regie = _data(world, bo)
    enfant = world.other_enfant
    planning = reverse("portal:planning", args=[enfant.pk])
    cell = reverse("portal:planning_cell", args=[enfant.pk])
    booked = f"{bo.other_service.pk}:{DAY + dt.timedelta(days=1):%Y-%m-%d}"
    free = f"{bo.other_service.pk}:{DAY + dt.timedelta(days=7):%Y-%m-%d}"
    pages = [Page("public", name, build(world)) for name, build in portal_access.PUBLIC_URLS.items()]
    pages += [Page("parent", name, reverse(name)) for name in portal_access.PARENT_URLS + portal_access.LOGIN_URLS]
    pages += [Page("parent", name, build(world)) for name, build in portal_access.PARENT_OBJECT_URLS.items()]
    pages += [
        Page("parent", "planning-selection", f"{planning}?mois={DAY:%Y-%m}&selection=1"),
        Page("parent", "planning-case-reservee", f"{cell}?cellule={booked}"),
        Page("parent", "planning-case-libre", f"{cell}?cellule={free}"),
        Page("parent", "portal:paiement_retour", reverse("portal:paiement_retour", args=["AUDIT-1"])),
        Page(
            "parent",
            "rythme-apercu",
            reverse("portal:rythme", args=[enfant.pk]),
            post={
                "services": [bo.other_service.pk],
                "weekdays": ["0", "1"],
                "start": DAY.isoformat(),
                "end": (DAY + dt.timedelta(days=14)).isoformat(),
            },
        ),
    ]
    pages += [Page("agent", name, reverse(name)) for name in backoffice_access.LIST_URLS]
    pages += [
        Page("agent", f"backoffice:{name}", build(world, bo)) for name, build in backoffice_access.OBJECT_URLS.items()
    ]
    # Pages of TESTED_ELSEWHERE (their refusals are tested elsewhere; their markup here).
    famille = world.other_famille.pk
    pages += [
        Page("agent", "backoffice:factures-impayees", reverse("backoffice:factures") + "?unpaid=on"),
        Page(
            "agent",
            "backoffice:facturation_preview",
            reverse("backoffice:facturation_preview", args=[regie.pk, "2026-11"]),
        ),
        Page("agent", "backoffice:paiement_create", reverse("backoffice:paiement_create", args=[famille])),
        Page("agent", "backoffice:mandat_create", reverse("backoffice:mandat_create", args=[famille])),
        Page("agent", "backoffice:otp_enrol", reverse("backoffice:otp_enrol")),
    ]
    return pages


def users(world) -> dict[str, object]:
    return {"parent": world.bob.user, "agent": world.other_agent.user}


def html_pages(world, bo, client: Client | None = None) -> list[tuple[Page, bytes]]:
    """The pages that answer an HTML page (files, CSV, redirects and POST-only URLs are left out), with
    their content as the test client gets it."""
    client = client or Client()
    found = []
    by_role = {"public": [], "parent": [], "agent": []}
    for page in every_page(world, bo):
        by_role[page.role].append(page)
    for role, pages in by_role.items():
        client.logout()
        if role != "public":
            client.force_login(users(world)[role])
        for page in pages:
            response = client.get(page.url) if page.post is None else client.post(page.url, page.post)
            if response.status_code in (302, 405) or not response["Content-Type"].startswith("text/html"):
                continue  # a redirect (to a page of the list), a POST-only URL, a file
            assert response.status_code == 200, (page, response.status_code)
            found.append((page, response.content))
    client.logout()
    return found
