"""Two parents racing for the last place: exactly one gets it (STYLE habit 3).

Real simultaneous HTTP requests at a live server on PostgreSQL, plus a negative control
that shows the race happening when the lock is switched off. Runs in both CI passes: it
makes its own PostgreSQL database whatever database the rest of the suite uses.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.live_postgres import CSRF, PG, ROOT, fresh_database, serve

RACERS = 6

pytestmark = pytest.mark.postgres


@pytest.fixture
def race_db():
    with fresh_database("marelle_race") as db:
        yield db


def _race(name: str, env: dict[str, str], *, lock: bool) -> dict[str, int]:
    setup = subprocess.run(
        [sys.executable, "-m", "tests.planning.race_setup", str(RACERS)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(setup.stdout)
    server_env = {**env, "PLANNING_CAPACITY_LOCK": "1" if lock else "0", "PLANNING_RACE_DELAY_SECONDS": "0.3"}
    proc, base = serve(server_env)
    barrier = threading.Barrier(RACERS)
    statuses: list[int] = []

    def book(racer: dict) -> None:
        body = urllib.parse.urlencode(
            {"action": "book", "cells": f"{data['service']}:{data['date']}", "mois": data["date"][:7]}
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
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    try:
        threads = [threading.Thread(target=book, args=(r,)) for r in data["racers"]]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        proc.terminate()
        proc.wait(10)
    import psycopg

    with psycopg.connect(dbname=name, **PG) as conn:
        rows = conn.execute(
            "SELECT state, count(*) FROM planning_cell WHERE service_id = %s AND date = %s GROUP BY state",
            [data["service"], data["date"]],
        ).fetchall()
    counts = dict(rows)
    counts["_http_ok"] = sum(1 for s in statuses if s < 400)
    return counts


def test_last_place_goes_to_exactly_one_parent(race_db):
    counts = _race(*race_db, lock=True)
    assert counts["_http_ok"] == RACERS
    assert counts.get("booked", 0) == 1
    assert counts.get("waiting", 0) == RACERS - 1


def test_negative_control_without_the_lock_the_race_overbooks(race_db):
    counts = _race(*race_db, lock=False)
    assert counts["_http_ok"] == RACERS
    assert counts.get("booked", 0) > 1, counts
