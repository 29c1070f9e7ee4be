"""Agents accepting the same demande at the same moment: it is decided once, with one
CellChange, and every agent gets an answer.

Real simultaneous HTTP requests at a live server on PostgreSQL, with the harness of the
planning race test (tests/planning/test_capacity_race.py). Runs in both CI passes, the
SQLite one included: it makes its own PostgreSQL database whatever database the rest of
the suite uses (and, like the planning race, fails rather than skips in CI when
PostgreSQL is missing: REQUIRE_POSTGRES=1).

Checked by hand that it catches the bug it is about: with the demande's row lock taken
out of `demandes_decide` (and a 0.3 s pause after the read), the four agents each wrote
a CellChange.
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

AGENTS = 4

pytestmark = pytest.mark.postgres


@pytest.fixture
def decide_db():
    with fresh_database("marelle_decide") as db:
        yield db


@pytest.mark.parametrize("mixed", [False, True], ids=["all-accept", "accept-and-refuse"])
def test_same_demande_decided_by_agents_at_once_is_decided_once(decide_db, mixed):
    """All agents accept; or half accept while the others refuse: the first one to take
    the demande's lock decides, the others find it decided and change nothing."""
    name, env = decide_db
    setup = subprocess.run(
        [sys.executable, "-m", "tests.backoffice.decide_race_setup", str(AGENTS)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(setup.stdout)
    proc, base = serve(env)
    barrier = threading.Barrier(AGENTS)
    statuses: list[int] = []

    def decide(agent: dict, accept: bool) -> None:
        fields = {"ids": data["demande"], "decision": "accept" if accept else "refuse"}
        if not accept:
            fields["comment"] = "Complet"
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            f"{base}/gestion/demandes/decider/",
            data=body,
            headers={
                "Cookie": f"sessionid={agent['session']}; csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
                "Referer": base + "/",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        barrier.wait()
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    try:
        threads = [
            threading.Thread(target=decide, args=(a, not (mixed and i % 2))) for i, a in enumerate(data["agents"])
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
        status, decided_by = conn.execute(
            "SELECT status, decided_by_id FROM planning_demande WHERE id = %s", [data["demande"]]
        ).fetchone()
        changes = conn.execute(
            "SELECT from_state, to_state, actor_id FROM planning_cellchange WHERE demande_id = %s",
            [data["demande"]],
        ).fetchall()
        cells = conn.execute("SELECT state FROM planning_cell WHERE demande_id = %s", [data["demande"]]).fetchall()
    assert statuses == [302] * AGENTS  # each agent is sent back to the queue with a message
    assert status in ({"accepted", "refused"} if mixed else {"accepted"})
    # Decided by one of the agents who asked for that outcome.
    accepting = {a["user"] for i, a in enumerate(data["agents"]) if not (mixed and i % 2)}
    assert decided_by in (accepting if status == "accepted" else {a["user"] for a in data["agents"]} - accepting)
    after = "booked" if status == "accepted" else "refused"
    assert changes == [("pending", after, decided_by)]  # one audit line, by the agent who decided
    assert cells == [(after,)]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
