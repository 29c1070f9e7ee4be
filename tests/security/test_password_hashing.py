"""Logins that scale: argon2id at OWASP's minimum, and older hashes upgraded at login."""

from __future__ import annotations

import time

from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password

from tests import factories as f

PRODUCTION = ["marelle.core.hashers.OwaspArgon2PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _params(encoded: str) -> dict:
    return identify_hasher(encoded).decode(encoded)


def test_new_passwords_use_argon2id_at_owasps_minimum(settings):
    settings.PASSWORD_HASHERS = PRODUCTION
    decoded = _params(make_password("un mot de passe"))
    assert decoded["variety"] == "argon2id"
    assert (decoded["memory_cost"], decoded["time_cost"], decoded["parallelism"]) == (19456, 2, 1)


def test_a_hash_with_djangos_default_parameters_is_upgraded_at_the_next_login(client, db, settings):
    settings.PASSWORD_HASHERS = PRODUCTION
    responsable = f.ResponsableFactory(user__username="parent@example.org")
    user = responsable.user
    user.password = Argon2PasswordHasher().encode("mot-de-passe-ancien", Argon2PasswordHasher().salt())
    user.save(update_fields=["password"])
    assert _params(user.password)["memory_cost"] == 102400
    response = client.post("/portail/", {"username": "parent@example.org", "password": "mot-de-passe-ancien"})
    assert response.status_code == 302
    user.refresh_from_db()
    decoded = _params(user.password)
    assert (decoded["memory_cost"], decoded["time_cost"], decoded["parallelism"]) == (19456, 2, 1)


def test_a_hash_costs_a_fraction_of_djangos_default(settings):
    """A ratio, not an absolute time, so that a slow CI machine does not fail it."""
    ours, theirs = [], []
    settings.PASSWORD_HASHERS = PRODUCTION
    for _ in range(3):
        start = time.process_time()
        make_password("x")
        ours.append(time.process_time() - start)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    for _ in range(3):
        start = time.process_time()
        make_password("x")
        theirs.append(time.process_time() - start)
    assert min(ours) * 2 < min(theirs)
