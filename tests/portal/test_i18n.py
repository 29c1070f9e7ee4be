from pathlib import Path

from django.conf import settings
from django.core.management import call_command

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_the_portal_speaks_english_when_asked(client, db):
    mo = PO.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < PO.stat().st_mtime:
        call_command("compilemessages", locale=["en"], verbosity=0)  # `make` does it too
    html = client.get("/portail/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Forgotten password?" in html and "Family account" in html


def test_french_by_default(client, db):
    html = client.get("/portail/").content.decode()
    assert '<html lang="fr">' in html and "Mot de passe oublié ?" in html


def test_the_legal_pages_speak_english_too(client, db):
    test_the_portal_speaks_english_when_asked(client, db)  # compiles the catalogue if stale
    html = client.get("/accessibilite/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Accessibility statement" in html and "<strong>not compliant</strong>" in html
    assert "Accessibility: not compliant" in html and "Personal data" in html
    html = client.get("/donnees-personnelles/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "deleted 3 years after they leave" in html


def test_the_planning_legend_and_the_back_office_speak_english(alice_client, world):
    from tests import factories as f

    mo = PO.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < PO.stat().st_mtime:
        call_command("compilemessages", locale=["en"], verbosity=0)
    service = f.ServiceFactory(etablissement=world.etablissement, name="CANTINE")
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    url = f"/portail/enfants/{world.enfant.pk}/planning/"
    html = alice_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert ">Legend</h3>" in html and "Free (bookable)" in html and "Public holiday / closure" in html
    assert "Excused absence" in html and "Billed absence" in html and "Outside regular contract" in html
    assert "Légende" not in html and "Absent excusé" not in html
    assert '<span class="d-abbr">Mo</span>' in html  # day headers

    alice_client.force_login(world.agent.user)
    html = alice_client.get("/gestion/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Dashboard</h1>" in html and "Expected headcounts" in html
    assert "Tableau de bord" not in html
