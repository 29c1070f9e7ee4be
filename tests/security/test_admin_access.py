"""/admin/ is for administrators only, and asks for the TOTP code of those who have a device.

Agents are is_staff (the demo makes them so): without this they reached the admin with a
password only, past the second factor their back office requires."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f

ADMIN_PAGES = ["/admin/", "/admin/billing/facture/", "/admin/planning/service/", "/admin/audit/logentry/"]


@pytest.fixture
def administrator(db):
    return f.UserFactory(username="root@example.org", is_staff=True, is_superuser=True)


def admin_login(client, username, password=f.PASSWORD, **extra):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/", **extra}
    )


def is_refused(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"].startswith("/admin/login/")
    )


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_an_agent_logged_in_elsewhere_does_not_reach_the_admin(client, world, url):
    assert world.agent.user.is_staff
    client.force_login(world.agent.user)
    assert is_refused(client.get(url))


def test_the_admin_login_page_asks_for_the_code(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert 'name="otp_token"' in response.text


def test_an_agent_cannot_log_in_at_the_admin(client, world):
    response = admin_login(client, world.agent.user.username)
    assert response.status_code == 200
    assert "accès à l&#x27;administration" in response.text or "accès à l'administration" in response.text
    assert is_refused(client.get("/admin/"))


def test_a_parent_does_not_reach_the_admin(client, world):
    client.force_login(world.alice.user)
    assert is_refused(client.get("/admin/"))


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_an_administrator_without_device_gets_in(client, administrator, url):
    response = admin_login(client, administrator.username)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(url).status_code == 200


def test_an_administrator_with_a_device_must_give_the_code(client, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="téléphone", confirmed=True)
    # A session opened with the password alone (the portal's login) does not reach the admin.
    client.force_login(administrator)
    assert is_refused(client.get("/admin/"))
    assert is_refused(client.get("/admin/billing/facture/"))
    client.logout()
    # Password without code, or with a wrong code: still the login page.
    assert admin_login(client, administrator.username).status_code == 200
    assert is_refused(client.get("/admin/"))
    wrong = f"{(int(totp(device.bin_key)) + 1) % 1_000_000:06d}"
    assert (
        admin_login(client, administrator.username, otp_device=device.persistent_id, otp_token=wrong).status_code == 200
    )
    assert is_refused(client.get("/admin/"))
    # With the code: in.
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    token = f"{totp(device.bin_key):06d}"
    response = admin_login(client, administrator.username, otp_device=device.persistent_id, otp_token=token)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/billing/facture/").status_code == 200


def test_an_unconfirmed_device_does_not_lock_the_administrator_out(client, administrator):
    TOTPDevice.objects.create(user=administrator, name="en cours", confirmed=False)
    assert admin_login(client, administrator.username).status_code == 302
    assert client.get("/admin/").status_code == 200
