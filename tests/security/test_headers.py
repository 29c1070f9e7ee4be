"""Response headers of marelle.core.middleware.PrivatePagesMiddleware and django-csp:
Permissions-Policy on every response, `Cache-Control: private, no-store` on every page
served to a logged-in user (and not on public pages or static files), a CSP without
'unsafe-inline'."""

from __future__ import annotations

import pytest
from django.urls import reverse

DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "display-capture"]


def features(response) -> dict[str, str]:
    policy = response["Permissions-Policy"]
    return dict(item.strip().split("=", 1) for item in policy.split(","))


def cache_directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


# Documents only: it governs what a page may use (WhiteNoise answers static files before it).
@pytest.mark.parametrize("url", ["/", "/portail/", "/accessibilite/", "/page-inconnue/"])
def test_permissions_policy_denies_the_features_on_public_responses(client, db, url):
    response = client.get(url)
    allowed = features(response)
    for feature in DENIED_FEATURES:
        assert allowed[feature] == "()", feature


def test_permissions_policy_on_parent_and_agent_pages(alice_client, world, client):
    assert features(alice_client.get(reverse("portal:accueil")))["camera"] == "()"
    alice_client.logout()
    client.force_login(world.agent.user)
    assert features(client.get(reverse("backoffice:familles")))["geolocation"] == "()"


def parent_pages(world):
    return [
        reverse("portal:accueil"),
        reverse("portal:compte"),
        reverse("portal:enfants"),
        reverse("portal:enfant", args=[world.enfant.pk]),
        reverse("portal:planning", args=[world.enfant.pk]),
        reverse("portal:releve"),
        reverse("portal:messages"),
    ]


def test_parent_pages_are_private_and_not_stored(alice_client, world):
    for url in parent_pages(world):
        response = alice_client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= cache_directives(response), url
        assert "public" not in cache_directives(response), url


def test_agent_pages_are_private_and_not_stored(agent_client, world):
    for url in [reverse("backoffice:familles"), reverse("backoffice:famille", args=[world.famille.pk])]:
        response = agent_client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= cache_directives(response), url


def test_a_redirect_to_a_logged_in_user_is_private_too(alice_client, world):
    response = alice_client.get(reverse("portal:login"))
    assert response.status_code == 302
    assert {"private", "no-store"} <= cache_directives(response)


def test_public_pages_and_static_files_may_be_cached(client, world):
    assert "no-store" not in cache_directives(client.get("/accessibilite/"))
    client.force_login(world.alice.user)
    # A logged-in parent's style sheet is the same file for everyone: cacheable.
    response = client.get("/static/css/marelle.css")
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)


def test_content_security_policy_allows_no_inline_script_or_style(client, db):
    policy = client.get("/portail/")["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
