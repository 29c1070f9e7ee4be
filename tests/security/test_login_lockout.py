"""The lockout counts every spelling of an identifiant as one, and an address has its own limit."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from marelle.families.auth import canonical_identifiant
from tests import factories as f

LOGIN = "/portail/"
EMAIL_VARIANTS = [
    "JULIEN.MARTIN@EXAMPLE.ORG",
    " julien.martin@example.org ",
    "Julien.Martin@Example.org",
    "julien.martin@EXAMPLE.org\t",
]
NUMERO_VARIANTS = ["3816 0000 0102", " 381600000102", "3816-0000-0102", "3816.0000.0102"]


def login(client, identifiant, password=f.PASSWORD, **extra):
    return client.post(LOGIN, {"username": identifiant, "password": password}, **extra)


@pytest.fixture
def julien(db):
    famille = f.FamilleFactory(numero="381600000102")
    return f.ResponsableFactory(famille=famille, user__username="julien.martin@example.org")


def test_canonical_identifiant():
    assert {canonical_identifiant(v) for v in EMAIL_VARIANTS} == {"julien.martin@example.org"}
    assert {canonical_identifiant(v) for v in NUMERO_VARIANTS} == {"381600000102"}
    assert canonical_identifiant("") == ""


def test_spelling_variants_share_one_counter_and_stay_locked(client, julien, settings):
    variants = (EMAIL_VARIANTS * 2)[: settings.AXES_FAILURE_LIMIT]
    answers = [login(client, v, "mauvais").status_code for v in variants]
    assert answers[-1] == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"julien.martin@example.org"}
    # Every other spelling is locked too, even with the right password.
    for variant in EMAIL_VARIANTS:
        assert login(client, variant).status_code == 429
    assert not client.session.get("_auth_user_id")


def test_numero_variants_share_one_counter(client, julien, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, NUMERO_VARIANTS[i % len(NUMERO_VARIANTS)], "mauvais")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"381600000102"}
    assert login(client, "381 600 000 102").status_code == 429


def test_a_variant_of_the_right_identifiant_logs_in(client, julien):
    assert login(client, " JULIEN.Martin@example.org ").status_code == 302
    assert client.session["_auth_user_id"] == str(julien.user.pk)


def test_an_address_is_locked_after_many_failures_over_many_identifiants(client, julien, settings):
    settings.AXES_IP_FAILURE_LIMIT = 12
    for i in range(12):
        response = login(client, f"personne{i}@example.org", "mauvais")
    assert response.status_code == 429
    # Locked for any identifiant from this address, even a right one…
    assert login(client, "julien.martin@example.org").status_code == 429
    # …but not from another address.
    assert login(client, "julien.martin@example.org", REMOTE_ADDR="10.1.2.3").status_code == 302


def test_the_address_limit_is_high_by_default(settings):
    assert settings.AXES_IP_FAILURE_LIMIT >= 100


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, julien, settings):
    settings.AXES_IP_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(3):
        login(client, f"personne{i}@example.org", "mauvais", HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert login(client, "julien.martin@example.org", HTTP_X_FORWARDED_FOR="192.0.2.7").status_code == 429
    # The proxy's own address (REMOTE_ADDR) is shared by everyone and is not locked.
    assert login(client, "julien.martin@example.org", HTTP_X_FORWARDED_FOR="192.0.2.8").status_code == 302
    assert reverse("portal:login") == LOGIN
