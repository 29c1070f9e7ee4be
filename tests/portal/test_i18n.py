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
