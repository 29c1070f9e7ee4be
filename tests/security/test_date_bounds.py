"""Out-of-range months and dates in a query are ignored (with a message) or refused, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from marelle.core.dates import parse_date, parse_month
from marelle.planning.headcounts import headcounts
from marelle.planning.selectors import month_grid

BAD_MONTHS = ["1-01", "0001-01", "9999-12", "99999-1", "2026-13", "2026-0", "x", "2026-²"]


@pytest.mark.parametrize("value", BAD_MONTHS)
def test_parse_month_refuses_out_of_range_values(value):
    assert parse_month(value) is None


def test_parse_month_and_date_accept_the_sane_range():
    assert parse_month("2026-12") == dt.date(2026, 12, 1)
    assert parse_date("2026-12-07") == dt.date(2026, 12, 7)
    assert parse_date("9999-12-31") is None
    assert parse_date("0001-01-01") is None


@pytest.mark.parametrize("value", BAD_MONTHS)
def test_agent_planning_ignores_an_out_of_range_month(agent_client, world, value):
    response = agent_client.get(reverse("backoffice:enfant_planning", args=[world.enfant.pk]), {"mois": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", BAD_MONTHS)
def test_parent_planning_ignores_an_out_of_range_month(alice_client, world, value):
    response = alice_client.get(reverse("portal:planning", args=[world.enfant.pk]), {"mois": value})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("du", "au"), [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-31"), ("1999-12-01", "1999-12-31")]
)
def test_effectifs_refuse_an_out_of_range_period_with_a_message(agent_client, world, du, au):
    response = agent_client.get(reverse("backoffice:effectifs"), {"du": du, "au": au})
    assert response.status_code == 200
    assert "Choisissez une date entre le 01/01/2000 et le 31/12/2100." in response.content.decode()
    for name in ("effectifs_csv", "effectifs_xlsx"):
        assert agent_client.get(reverse(f"backoffice:{name}"), {"du": du, "au": au}).status_code == 400


def test_effectifs_children_list_of_an_out_of_range_day_is_404(agent_client, world, cantine):
    url = reverse("backoffice:effectifs_liste", args=[cantine.pk, "9999-12-31"])
    assert agent_client.get(url).status_code == 404


def test_selectors_refuse_out_of_range_years(world):
    with pytest.raises(ValueError):
        month_grid(world.enfant, 9999, 12, now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    with pytest.raises(ValueError):
        headcounts(services=[], first=dt.date(9999, 12, 1), last=dt.date(9999, 12, 31))
