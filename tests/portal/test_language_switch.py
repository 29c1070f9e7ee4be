"""The footer's language switch: a plain form on every page; the choice is kept in the
language cookie and, for a parent, on their responsable (so a new browser gets it at login)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests import factories as f
from tests.portal.test_auth import login

SWITCH = 'action="/i18n/setlang/"'


def choose(client, language: str, next_url: str):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def lang_of(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("url", ["/", "/portail/", "/accessibilite/"])
def test_the_switch_is_on_public_pages(client, db, url):
    html = client.get(url).content.decode()
    assert SWITCH in html and 'name="language" value="en" lang="en">English</button>' in html
    assert f'name="next" value="{url}"' in html


def test_the_switch_is_on_the_portal_and_the_back_office(alice_client, world):
    assert SWITCH in alice_client.get("/portail/accueil/").content.decode()
    alice_client.force_login(world.agent.user)
    assert SWITCH in alice_client.get("/gestion/").content.decode()


def test_a_parent_switches_to_english_and_keeps_it_after_logging_out_and_in(client, world):
    assert login(client, "alice@example.org").status_code == 302
    response = choose(client, "en", "/portail/accueil/")
    assert response.status_code == 302 and response["Location"] == "/portail/accueil/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == settings.LANGUAGE_COOKIE_AGE
    page = client.get("/portail/accueil/")
    assert lang_of(page) == "en" and "Home" in page.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.language == "en"

    client.post("/portail/deconnexion/")
    assert lang_of(client.get("/portail/")) == "en"  # the login page too
    login(client, "alice@example.org")
    assert lang_of(client.get("/portail/accueil/")) == "en"

    # Another browser, no cookie: the choice kept on the responsable comes back at login.
    other = Client()
    assert lang_of(other.get("/portail/")) == "fr"
    response = login(other, "alice@example.org")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert lang_of(other.get("/portail/accueil/")) == "en"

    choose(other, "fr", "/portail/accueil/")
    world.alice.refresh_from_db()
    assert world.alice.language == "fr" and lang_of(other.get("/portail/accueil/")) == "fr"


def test_an_agent_switches_with_the_cookie_only(agent_client, world):
    choose(agent_client, "en", "/gestion/")
    assert lang_of(agent_client.get("/gestion/")) == "en"


def test_a_visitor_switches_and_a_bad_language_or_next_changes_nothing(client, world):
    choose(client, "en", "/")
    assert lang_of(client.get("/")) == "en"
    response = choose(client, "xx", "https://evil.example/")
    assert response["Location"] == "/"  # Django's set_language: an unsafe next goes home
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/i18n/setlang/").status_code == 405
    world.alice.refresh_from_db()
    assert world.alice.language == ""


def test_the_bob_family_keeps_its_own_choice(client, world):
    login(client, "alice@example.org")
    choose(client, "en", "/portail/accueil/")
    world.bob.refresh_from_db()
    assert world.bob.language == ""


@pytest.mark.browser
def test_the_switch_works_in_a_browser_and_survives_the_login(page, live_server, world):
    page.goto(f"{live_server.url}/portail/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.get_by_label("Login", exact=True).fill("alice@example.org")
    page.get_by_label("Password", exact=True).fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/portail/accueil/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Français").is_visible()
