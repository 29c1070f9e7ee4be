"""Every page names its icon and a description; /favicon.ico is no longer a 404."""

from __future__ import annotations

from django.contrib.staticfiles import finders


def test_pages_link_the_icon_and_describe_themselves(client, db):
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    assert '<meta name="description" content="Portail famille : réservez' in page


def test_favicon_ico_leads_to_the_svg_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg")
