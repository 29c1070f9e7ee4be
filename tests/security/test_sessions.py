"""Sessions: without « Se souvenir de moi » a session ends with the browser and after
SESSION_IDLE_TIMEOUT without a request (2 hours by default); ticked, it lasts
SESSION_COOKIE_AGE (14 days) and no idle limit applies."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 12, 7, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def idle_limit(settings):
    settings.SESSION_IDLE_TIMEOUT = 2 * 3600  # the default, which the suite otherwise turns off
    return settings.SESSION_IDLE_TIMEOUT


def log_in(client, world, *, remember: bool):
    data = {"username": world.alice.user.username, "password": PASSWORD}
    if remember:
        data["remember"] = "on"
    response = client.post(reverse("portal:login"), data)
    assert response.status_code == 302, response.content[:500]
    return response


def accueil(client):
    return client.get(reverse("portal:accueil"))


def test_without_remember_me_the_session_ends_with_the_browser_and_after_two_idle_hours(client, world, idle_limit):
    with time_machine.travel(START, tick=False) as clock:
        response = log_in(client, world, remember=False)
        cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
        assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
        clock.shift(dt.timedelta(minutes=90))
        assert accueil(client).status_code == 200  # active: each request restarts the clock
        clock.shift(dt.timedelta(minutes=90))
        assert accueil(client).status_code == 200  # 90 minutes after the last request
        clock.shift(dt.timedelta(hours=2, minutes=1))
        response = accueil(client)
        assert response.status_code == 302 and reverse("portal:login") in response["Location"]
        assert accueil(client).status_code == 302  # logged out for good, not just redirected once


def test_with_remember_me_the_session_lasts_fourteen_days_without_an_idle_limit(client, world, idle_limit):
    with time_machine.travel(START, tick=False) as clock:
        response = log_in(client, world, remember=True)
        cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
        assert int(cookie["max-age"]) == 14 * 24 * 3600
        clock.shift(dt.timedelta(days=3))
        assert accueil(client).status_code == 200
        clock.shift(dt.timedelta(days=11, hours=1))
        assert accueil(client).status_code == 302  # past the 14 days since the last write
