"""The README's production settings survive dropped database connections: gunicorn (sync
workers, each keeping its connection, CONN_MAX_AGE=600) on a PostgreSQL database of its own,
parents' pages and a booking in a loop, and every connection of the app killed
(pg_terminate_backend) several times in between. Not one 500 (issue 10, defect 8).

The negative control runs the same traffic with CONN_HEALTH_CHECKS=0 and sees the 500s
that each worker's first request after a drop used to give."""

from __future__ import annotations

import contextlib
import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest

from tests.live_postgres import CSRF, PG, ROOT, _free_port, fresh_database, pg_admin
from tests.security.production import production_env

pytestmark = pytest.mark.postgres

HOST = "portail.example.fr"
WORKERS = 2
ROUNDS = 4  # connection drops
REQUESTS_PER_ROUND = 10


# The sessions are made by the setup process: the server must sign with the same key.
SECRET_KEY = secrets.token_urlsafe(50)


@pytest.fixture(scope="module")
def drop_db():
    with fresh_database("marelle_dropped") as (name, env):
        setup = subprocess.run(
            [sys.executable, "-m", "tests.planning.race_setup", "2"],
            cwd=ROOT,
            env={**env, "SECRET_KEY": SECRET_KEY},
            check=True,
            capture_output=True,
            text=True,
        )
        yield name, env["DATABASE_URL"], json.loads(setup.stdout)


@contextlib.contextmanager
def gunicorn(database_url: str, **overrides: str):
    """The README's production environment, except what needs a service this machine lacks:
    no Redis (sessions in the database), mails to the console, no collectstatic (files by name)."""
    env = production_env(
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
        REDIS_URL="",
        EMAIL_URL="console://",
        STATIC_MANIFEST="0",
        **overrides,
    )
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "marelle.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "-t", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if proc.poll() is not None:
                pytest.fail("gunicorn did not start")
            try:
                request(base, "/accessibilite/")
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(15)


def request(base: str, path: str, *, session: str | None = None, data: dict | None = None) -> int:
    headers = {
        "Host": HOST,
        # What the README's reverse proxy sets: without it SECURE_SSL_REDIRECT answers 301.
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "192.0.2.10",
    }
    if session:
        headers["Cookie"] = f"sessionid={session}; csrftoken={CSRF}"
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        headers.update(
            {
                "X-CSRFToken": CSRF,
                "X-Requested-With": "fetch",
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}/portail/",
                "Content-Type": "application/x-www-form-urlencoded",
            }
        )
    req = urllib.request.Request(base + path, data=body, headers=headers)  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def drop_connections(name: str) -> int:
    with pg_admin() as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return len(rows)


def traffic(name: str, base: str, data: dict) -> tuple[Counter, list[int], int]:
    """Parents' pages in a loop, the connections dropped before each round, and one booking
    right after a drop; returns the statuses, the booking's status, connections killed."""
    racer = data["racers"][0]
    pages = ["/portail/accueil/", f"/portail/enfants/{racer['enfant']}/planning/", "/portail/compte/"]
    statuses: Counter = Counter()
    booking: list[int] = []
    killed = 0
    for i in range(2 * WORKERS):  # every worker holds a connection before the first drop
        statuses[request(base, pages[i % len(pages)], session=racer["session"])] += 1
    for round_ in range(ROUNDS):
        killed += drop_connections(name)
        if round_ == 1:
            booking.append(
                request(
                    base,
                    f"/portail/enfants/{racer['enfant']}/planning/action/",
                    session=racer["session"],
                    data={"action": "book", "cells": f"{data['service']}:{data['date']}", "mois": data["date"][:7]},
                )
            )
        for i in range(REQUESTS_PER_ROUND):
            statuses[request(base, pages[i % len(pages)], session=racer["session"])] += 1
    return statuses, booking, killed


def booked_cells(name: str, data: dict) -> int:
    import psycopg

    with psycopg.connect(dbname=name, **PG) as conn:
        return conn.execute(
            "SELECT count(*) FROM planning_cell WHERE service_id = %s AND date = %s AND state = 'booked'",
            [data["service"], data["date"]],
        ).fetchone()[0]


def test_no_500_when_the_database_drops_the_connections(drop_db):
    name, url, data = drop_db
    with gunicorn(url) as base:
        statuses, booking, killed = traffic(name, base, data)
    assert killed >= ROUNDS  # the drops really hit the workers' connections
    assert statuses[500] == 0, statuses
    assert set(statuses) == {200}, statuses
    assert sum(statuses.values()) == 2 * WORKERS + ROUNDS * REQUESTS_PER_ROUND
    # The booking made right after a drop is answered as done, and is done.
    assert booking == [200]
    assert booked_cells(name, data) == 1


def test_negative_control_without_health_checks_a_drop_is_a_500(drop_db):
    name, url, data = drop_db
    with gunicorn(url, CONN_HEALTH_CHECKS="0") as base:
        statuses, _booking, _killed = traffic(name, base, data)
    assert statuses[500] >= 1, statuses
