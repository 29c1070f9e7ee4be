"""The accessibility statement and the personal data page: public, linked from every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

PAGES = ["portal:accessibilite", "portal:donnees_personnelles"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_public(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="contenu"' in html
    # Outside the portal: no family navigation for an anonymous visitor.
    assert "Navigation principale" not in html


@pytest.mark.parametrize("url", ["/", "/portail/", "/accessibilite/"])
def test_every_page_links_both_pages_in_the_footer(client, db, url):
    html = client.get(url).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/accessibilite/"' in footer and "Accessibilité : non conforme" in footer
    assert 'href="/donnees-personnelles/"' in footer and "Données personnelles" in footer


def test_the_backoffice_footer_links_them_too(agent_client):
    html = agent_client.get("/gestion/", follow=True).content.decode()
    assert 'href="/accessibilite/"' in html and 'href="/donnees-personnelles/"' in html


def test_accessibility_statement_follows_the_rgaa_model(client, db):
    html = client.get(reverse("portal:accessibilite")).content.decode()
    assert "Déclaration d&#x27;accessibilité" in html or "Déclaration d'accessibilité" in html
    assert "article 47 de la loi n° 2005-102 du 11 février 2005" in html
    # Without an audit, RGAA's wording is "non conforme", whatever the care taken.
    assert "<strong>non conforme</strong>" in html and "Aucun audit de conformité RGAA" in html
    for tested in ["clavier", "lecteurs d", "axe-core"]:
        assert tested in html, tested
    assert "Limites connues" in html
    assert "Défenseur des droits" in html and "Libre réponse 71120" in html
    assert "votre mairie" in html


def test_an_audited_installation_states_its_result(client, db, settings):
    settings.ACCESSIBILITY_STATUS = "partiellement"
    settings.ACCESSIBILITY_AUDIT = "audit RGAA 4.1.2 du 12/03/2027, 78 % des critères respectés"
    settings.CONTACT_EMAIL = "accessibilite@sud-gresivaudan.example"
    html = client.get(reverse("portal:accessibilite")).content.decode()
    assert "<strong>partiellement conforme</strong>" in html and "78 % des critères" in html
    assert "Aucun audit" not in html
    assert 'href="mailto:accessibilite@sud-gresivaudan.example"' in html
    assert "Accessibilité : partiellement conforme" in html


def test_personal_data_page_says_what_why_how_long_and_rights(client, db, settings):
    settings.RETENTION_YEARS = 4
    html = client.get(reverse("portal:donnees_personnelles")).content.decode()
    for words in ["Allergies et PAI", "quotient familial", "jamais en clair", "aucun cookie de mesure d"]:
        assert words.lower() in html.lower(), words
    assert "effacés 4 ans après son départ" in html
    assert "CNIL" in html
    # Anonymous visitors are told where the export is; there is no link to follow.
    assert reverse("portal:export") not in html
    assert "Télécharger les données de ma famille" in html


def test_a_parent_reads_them_inside_the_portal_with_the_export_link(alice_client):
    html = alice_client.get(reverse("portal:donnees_personnelles")).content.decode()
    assert "Navigation principale" in html
    assert f'href="{reverse("portal:export")}"' in html
    assert f'href="{reverse("portal:messages")}"' in html  # contact through the inbox
    assert "la mairie de Chatte" in html
