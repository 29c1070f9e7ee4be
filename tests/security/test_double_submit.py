"""The same booking sent twice with one submission_key: one demande, and both answers say so."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.urls import reverse

from marelle.planning.models import Demande
from tests.live_postgres import CSRF, PG, ROOT, fresh_database, serve

PAIRS = 5  # at once: runserver's listen queue holds 10 connections
ROUNDS = 6


def test_a_resent_booking_answers_like_the_first(alice_client, world, cantine, frozen):
    url = reverse("portal:planning_action", args=[world.enfant.pk])
    data = {"action": "book", "cells": [f"{cantine.pk}:2026-12-07"], "submission_key": "k" * 32}
    first = alice_client.post(url, data, HTTP_X_REQUESTED_WITH="fetch")
    second = alice_client.post(url, data, HTTP_X_REQUESTED_WITH="fetch")
    assert first.status_code == second.status_code == 200
    assert first.json()["ok"] and second.json()["ok"]
    assert second.json()["message"] == "Cette demande a déjà été enregistrée."
    assert Demande.objects.count() == 1


@pytest.fixture
def double_db():
    with fresh_database("marelle_double_s1") as db:
        yield db


@pytest.mark.postgres
def test_twin_bookings_sent_at_once_both_succeed_with_one_demande(double_db):
    """ROUNDS times, PAIRS families each send the same booking twice at the same moment (a
    double click): every answer is a 200, and each family has exactly one demande."""
    name, env = double_db
    setup = subprocess.run(
        [sys.executable, "-m", "tests.planning.race_setup", str(PAIRS * ROUNDS)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(setup.stdout)
    first_day = dt.date.fromisoformat(data["date"])
    proc, base = serve(env)
    barrier = threading.Barrier(2 * PAIRS)
    failures: list[BaseException] = []
    answers: list[tuple[int, dict]] = []

    def book(i: int, racer: dict) -> None:
        day = first_day + dt.timedelta(days=i)  # one day per family: no shared capacity lock
        body = urllib.parse.urlencode(
            {"action": "book", "cells": f"{data['service']}:{day}", "submission_key": f"key-{i:04d}-" + "x" * 20}
        ).encode()
        request = urllib.request.Request(
            f"{base}/portail/enfants/{racer['enfant']}/planning/action/",
            data=body,
            headers={
                "Cookie": f"sessionid={racer['session']}; csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
                "X-Requested-With": "fetch",
                "Referer": base + "/",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                answers.append((response.status, json.load(response)))
        except urllib.error.HTTPError as exc:
            answers.append((exc.code, json.load(exc)))
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    try:
        racers = list(enumerate(data["racers"]))
        for start in range(0, len(racers), PAIRS):
            threads = [
                threading.Thread(target=book, args=(i, racer))
                for i, racer in racers[start : start + PAIRS]
                for _ in "ab"
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
    finally:
        proc.terminate()
        proc.wait(10)
    import psycopg

    with psycopg.connect(dbname=name, **PG) as conn:
        per_family = conn.execute("SELECT famille_id, count(*) FROM planning_demande GROUP BY famille_id").fetchall()
    errors = [a for a in answers if a[0] != 200 or not a[1]["ok"]]
    assert not failures, failures
    assert len(answers) == 2 * PAIRS * ROUNDS
    assert not errors, errors
    assert len(per_family) == PAIRS * ROUNDS and all(n == 1 for _f, n in per_family)
