"""One password hash per failed attempt, whatever the identifiant designates."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import MD5PasswordHasher

from marelle.families.auth import IdentifiantBackend
from tests import factories as f


@pytest.fixture
def hashes():
    """Counts the hashes computed: the tests' MD5 hasher computes one in `encode`, which both
    make_password (set_password) and verify (check_password) call."""
    calls = []
    real_encode = MD5PasswordHasher.encode

    def encode(self, password, salt):
        calls.append(password)
        return real_encode(self, password, salt)

    with mock.patch.object(MD5PasswordHasher, "encode", encode):
        yield calls


@pytest.fixture
def families(db):
    lone = f.FamilleFactory(numero="111111111111")
    f.ResponsableFactory(famille=lone, user__username="lone@example.org")
    separated = f.FamilleFactory(numero="222222222222")
    f.ResponsableFactory(famille=separated, user__username="one@example.org")
    f.ResponsableFactory(famille=separated, user__username="two@example.org")


@pytest.mark.parametrize(
    "identifiant",
    ["999999999999", "personne@example.org", "111111111111", "lone@example.org", "222222222222", "x"],
    ids=["no-numero", "no-email", "one-login", "one-email", "two-logins", "word"],
)
def test_a_failed_login_hashes_exactly_once(rf, families, hashes, identifiant):
    request = rf.post("/portail/")
    assert authenticate(request, username=identifiant, password="mauvais") is None
    assert len(hashes) == 1, hashes


def test_password_checking_is_done_by_one_backend_only():
    checking = [b for b in django_settings.AUTHENTICATION_BACKENDS if "axes" not in b]
    assert checking == ["marelle.families.auth.IdentifiantBackend"]


def test_separated_parents_log_in_with_their_email_not_the_shared_numero(families):
    backend = IdentifiantBackend()
    assert backend.authenticate(None, username="one@example.org", password=f.PASSWORD).username == "one@example.org"
    assert backend.authenticate(None, username="222222222222", password=f.PASSWORD) is None


def test_the_lone_login_of_a_numero_still_logs_in(families):
    user = IdentifiantBackend().authenticate(None, username="1111 1111 1111", password=f.PASSWORD)
    assert user.username == "lone@example.org"
