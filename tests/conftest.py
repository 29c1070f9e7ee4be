"""Shared fixtures: alice (a parent), bob (another family's parent), an agent of alice's
commune and an agent of another commune, so that every view is also tested for refusals."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass

import pytest
from django.conf import settings

from marelle.planning.models import Service
from tests import factories as f
from tests.separated import separated, shared  # noqa: F401 - fixtures: separated parents, and shared access

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# that unless told it is safe (the loop never touches the ORM).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


def require_or_skip(flag: str, reason: str) -> None:
    """Skip locally when a service is missing; fail in CI, where the flag is set."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} (and {flag}=1 forbids skipping)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Notification emails are sent by the task at once (after commit); tests that need the
    # real worker (tests/messaging/test_outbox_smtp.py) switch to the database backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _no_idle_timeout(settings):
    # Tests travel in time between a login and the next request; tests/security checks the timeout.
    settings.SESSION_IDLE_TIMEOUT = 0


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is the production hasher; tests that log in many times use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    commune: object
    other_commune: object
    etablissement: object
    school_year: object
    alice: object  # Responsable, with .user
    famille: object
    enfant: object
    bob: object
    other_famille: object
    other_enfant: object
    agent: object  # Agent of `commune`
    other_agent: object  # Agent of `other_commune`


@pytest.fixture
def world(db) -> World:
    commune = f.CommuneFactory(name="Chatte", slug="chatte", colour="#8b1f4f")
    other_commune = f.CommuneFactory(name="Têche", slug="teche")
    etab = f.EtablissementFactory(commune=commune, name="École de Chatte")
    year = f.SchoolYearFactory(commune=commune)
    famille = f.FamilleFactory(commune=commune, numero="381623867924")
    alice = f.ResponsableFactory(famille=famille, nom="ZTEST", prenom="PAYS", user__username="alice@example.org")
    enfant = f.EnfantFactory(famille=famille, nom="ZTEST", prenom="COMMUNE", etablissement=etab)
    other_etab = f.EtablissementFactory(commune=other_commune, name="École de Têche")
    other_famille = f.FamilleFactory(commune=other_commune)
    bob = f.ResponsableFactory(famille=other_famille, nom="MARTIN", prenom="Bob", user__username="bob@example.org")
    other_enfant = f.EnfantFactory(famille=other_famille, etablissement=other_etab)
    agent = f.AgentFactory(user__username="agent.chatte@example.org", communes=[commune])
    other_agent = f.AgentFactory(user__username="agent.teche@example.org", communes=[other_commune])
    return World(
        commune, other_commune, etab, year, alice, famille, enfant, bob, other_famille, other_enfant, agent, other_agent
    )


@pytest.fixture
def alice_client(client, world):
    client.force_login(world.alice.user)
    return client


@pytest.fixture
def agent_client(client, world):
    client.force_login(world.agent.user)
    return client


@pytest.fixture
def cantine(world):
    """RESTAURATION, sur validation, Mon/Tue/Thu/Fri; alice's child enrolled."""
    service = f.ServiceFactory(etablissement=world.etablissement, name="RESTAURATION", weekdays="0134", position=4)
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    return service


@pytest.fixture
def garderie(world):
    """GARDERIE MATIN, automatique, capacity 2, every school day; alice's child enrolled."""
    service = f.ServiceFactory(
        etablissement=world.etablissement,
        name="GARDERIE MATIN",
        weekdays="01234",
        start_time=dt.time(7, 30),
        end_time=dt.time(8, 30),
        booking_mode=Service.BookingMode.AUTOMATIC,
        capacity=2,
        position=1,
    )
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    return service


@pytest.fixture(scope="session")
def browser():
    if not shutil.which("chromium") and not os.path.exists(CHROMIUM):
        require_or_skip("REQUIRE_BROWSER", "Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="fr-FR", has_touch=True, is_mobile=True
    )
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}"
