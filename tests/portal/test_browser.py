"""A parent in a real browser, at desktop and phone widths, with an axe scan of each page."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SHOTS_DIR") or Path(tempfile.gettempdir()) / "shots")
BLOCKS = ["Responsable", "Opérations en cours", "Factures impayées", "Mes enfants"]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def parent_journey(page, base: str, label: str) -> None:
    page.goto(base + "/")
    assert page.get_by_role("link", name="Chatte", exact=True).is_visible()
    assert page.get_by_text("prochainement").first.is_visible()
    shot(page, f"{label}-landing")
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)

    page.get_by_role("link", name="Chatte", exact=True).click()
    page.wait_for_url("**/c/chatte/")
    shot(page, f"{label}-login")
    assert serious_violations(page) == []

    page.get_by_label("Identifiant").fill("ztest@example.org")
    page.get_by_label("Mot de passe").fill("marelle-demo")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/portail/accueil/")
    for block in BLOCKS:
        assert page.get_by_role("heading", name=block, exact=True).is_visible(), block
    assert page.get_by_text("Madame ZTEST PAYS").is_visible()
    # The demo's last month is invoiced: ZTEST owes that invoice and can pay it online.
    assert page.get_by_role("button", name="Payer en ligne").first.is_visible()
    nav = page.get_by_role("navigation", name="Navigation principale")
    for item in ["Accueil", "Mon compte", "Mes enfants", "Relevé de compte", "Boîte de réception"]:
        assert nav.get_by_role("link", name=item, exact=True).is_visible(), item
    assert nav.get_by_role("button", name="Déconnexion").is_visible()
    assert no_horizontal_scroll(page)
    shot(page, f"{label}-accueil")
    assert serious_violations(page) == []

    page.get_by_role("link", name="ZTEST COMMUNE").click()
    # The name opens the child's page (with the planning grid once that exists).
    page.wait_for_url("**/portail/enfants/**")
    card = page.locator("#child-details")
    if card.get_attribute("open") is None:  # on a phone the grid comes first, the card one tap away
        assert label == "375"
        card.locator("summary").click()
    assert page.get_by_text("01/01/2016 - 10 ans").is_visible()
    assert page.get_by_role("rowheader", name="RESTAURATION").first.is_visible()
    assert no_horizontal_scroll(page)
    shot(page, f"{label}-enfant")
    assert serious_violations(page) == []

    page.get_by_role("button", name="Déconnexion").click()
    page.wait_for_url("**/portail/")


def test_parent_at_1280px(page, live_server, demo):
    parent_journey(page, live_server.url, "1280")


def test_parent_at_375px(phone_page, live_server, demo):
    parent_journey(phone_page, live_server.url, "375")


def test_keyboard_user_reaches_the_content_by_the_skip_link(page, live_server, demo):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#contenu"


def test_legal_pages_from_the_footer_and_the_export_button(page, live_server, demo):
    page.goto(live_server.url + "/")
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("link", name="Accessibilité : non conforme").click()
    page.wait_for_url("**/accessibilite/")
    assert page.get_by_role("heading", name="Déclaration d'accessibilité", level=1).is_visible()
    assert page.get_by_role("heading", name="Voies de recours").is_visible()
    shot(page, "1280-accessibilite")
    assert serious_violations(page) == []

    page.get_by_role("contentinfo").get_by_role("link", name="Données personnelles").click()
    page.wait_for_url("**/donnees-personnelles/")
    assert page.get_by_role("heading", name="Vos droits").is_visible()
    assert serious_violations(page) == []

    page.goto(live_server.url + "/portail/")
    page.get_by_label("Identifiant").fill("ztest@example.org")
    page.get_by_label("Mot de passe").fill("marelle-demo")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/portail/accueil/")
    page.get_by_role("link", name="Mon compte", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger les données de ma famille").click()
    assert download_info.value.suggested_filename.startswith("marelle-famille-381623867924-")
    shot(page, "1280-compte")
    assert serious_violations(page) == []


def test_legal_pages_at_375px(phone_page, live_server, demo):
    for url in ["/accessibilite/", "/donnees-personnelles/"]:
        phone_page.goto(live_server.url + url)
        assert no_horizontal_scroll(phone_page), url
        assert serious_violations(phone_page) == [], url
    shot(phone_page, "375-donnees-personnelles")
