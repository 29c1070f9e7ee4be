from django.urls import reverse

from marelle.territory.models import Commune
from tests import factories as f


def test_landing_lists_open_soon_and_own_portal_communes(client, world):
    f.CommuneFactory(name="La Sône", slug="la-sone", status=Commune.Status.SOON)
    f.CommuneFactory(
        name="Saint-Marcellin",
        slug="saint-marcellin",
        status=Commune.Status.OWN_PORTAL,
        own_portal_url="https://www.saint-marcellin.fr/mes-demarches/portail-famille",
    )
    html = client.get("/").content.decode()
    assert f'href="{reverse("portal:commune", args=["chatte"])}"' in html
    assert "La Sône" in html and "prochainement" in html
    assert "/c/la-sone/" not in html
    assert 'href="https://www.saint-marcellin.fr/mes-demarches/portail-famille"' in html
    assert 'href="/portail/"' in html


def test_commune_entry_is_the_login_page_in_the_communes_colour(client, world):
    response = client.get("/c/chatte/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "--accent: #8b1f4f" in html
    assert "Portail famille de Chatte" in html and 'name="username"' in html


def test_commune_entry_logs_in(client, world):
    response = client.post("/c/chatte/", {"username": "alice@example.org", "password": f.PASSWORD})
    assert response["Location"] == reverse("portal:accueil")


def test_unknown_or_unopened_commune_is_404(client, world):
    f.CommuneFactory(slug="la-sone", status=Commune.Status.SOON)
    assert client.get("/c/nulle-part/").status_code == 404
    assert client.get("/c/la-sone/").status_code == 404
