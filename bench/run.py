"""`make bench`: the opening minute on this machine, measured with wrk against gunicorn.

    .venv/bin/python -m bench.run [--families 5000] [--seconds 10] [--workers 2]
                                  [--worker-class sync|gthread] [--threads 4] [--quick]

Builds its own PostgreSQL database (`marelle_bench`, dropped first) with
`generate_volume --families N`, then serves the app with gunicorn under the README's
production settings (DEBUG=0, sessions in Redis, persistent connections with health checks;
plain HTTP on the loopback, so no SSL redirect). Each scenario runs after a warm-up, paired
with a bare Django view served by the same processes (the floor), and wrk (Debian's) rotates
over hundreds of parents' sessions:

- planning: a child's month planning page, over ≥ 500 children;
- accueil: a family's Accueil, over ≥ 500 families;
- booking: a day asked for (a demande, sur validation), then the demande cancelled;
- login: the login POST (argon2 hash and session write);
- demandes: the agent's file des demandes;
- mix: the opening minute, 70 % planning, 15 % booking, 10 % Accueil, 5 % login.

It prints one table (req/s, p50, p95, p99, errors, ÷ floor, queries per request, load
average) and writes it as JSON (var/bench.json). Traffic stays on 127.0.0.1 and each
scenario stops after --seconds. `--quick` (a small territory, 2 s a scenario) is what the
test suite runs, so that the benchmark cannot rot.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSRF = "b" * 32  # the same secret in cookie and header satisfies Django's CSRF check

SETUP = r"""
import datetime as dt, json, sys
from importlib import import_module
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from marelle.demo.data import DEMO_PASSWORD
from marelle.families.models import Responsable
from marelle.planning.models import Inscription, Service
from marelle.planning.selectors import cells_for
from marelle.territory.models import Agent, Commune

limit = int(sys.argv[1])
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
today = timezone.localdate()
soon = today + dt.timedelta(days=10)


def session_for(user, backend="marelle.families.auth.IdentifiantBackend"):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = backend
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key


parents, logins = [], []
now = timezone.now()
responsables = Responsable.objects.select_related("user").order_by("pk")[: limit]
inscriptions = {
    i.enfant.famille_id: i
    for i in Inscription.objects.filter(
        enfant__famille__in=[r.famille_id for r in responsables], service__booking_mode=Service.BookingMode.VALIDATION
    ).select_related("enfant__famille", "service")
}
seen = set()
for r in responsables:
    inscription = inscriptions.get(r.famille_id)
    if inscription is None or r.famille_id in seen:
        continue  # one parent a family: two sessions on the same days would undo each other
    seen.add(r.famille_id)
    days = [soon + dt.timedelta(days=k) for k in range(40)]
    keys = [(inscription.service_id, d) for d in days if str(d.weekday()) in inscription.service.weekdays]
    free = [item.cell for item in cells_for(inscription.enfant, keys, now=now) if "book" in item.cell.actions]
    if not free:
        continue
    cell = free[0]
    parents.append({
        "session": session_for(r.user),
        "planning": f"/portail/enfants/{inscription.enfant_id}/planning/?mois={cell.date:%Y-%m}",
        "action": f"/portail/enfants/{inscription.enfant_id}/planning/action/",
        "cell": cell.key,
    })
    logins.append(r.user.username)
commune = Commune.objects.order_by("pk").first()
from django.contrib.auth import get_user_model
agent_user, _new = get_user_model().objects.get_or_create(
    username="bench.agent@example.org", defaults={"email": "bench.agent@example.org"})
Agent.objects.get_or_create(user=agent_user)[0].communes.add(*Commune.objects.all())
agent = session_for(agent_user)

queries = {}
client = Client(HTTP_HOST="127.0.0.1")
client.cookies["sessionid"] = parents[0]["session"]
for name, path in (("planning", parents[0]["planning"]), ("accueil", "/portail/accueil/")):
    with CaptureQueriesContext(connection) as q:
        assert client.get(path).status_code == 200, path
    queries[name] = len(q)
with CaptureQueriesContext(connection) as q:
    answer = client.post(parents[0]["action"], {"action": "book", "cells": parents[0]["cell"]},
                         HTTP_X_REQUESTED_WITH="fetch")
    assert answer.status_code == 200, answer.content
queries["booking"] = len(q)
answer = client.post(parents[0]["action"], {"action": "cancel", "cells": parents[0]["cell"]}, HTTP_X_REQUESTED_WITH="fetch")
assert answer.status_code == 200, answer.content
agent_client = Client(HTTP_HOST="127.0.0.1")
agent_client.cookies["sessionid"] = agent
with CaptureQueriesContext(connection) as q:
    status = agent_client.get("/gestion/demandes/").status_code
    assert status == 200, f"demandes: {status}"
queries["demandes"] = len(q)
login_client = Client(HTTP_HOST="127.0.0.1")
with CaptureQueriesContext(connection) as q:
    status = login_client.post("/portail/", {"username": logins[-1], "password": DEMO_PASSWORD}).status_code
    assert status == 302, f"login: {status}"
queries["login"] = len(q)
queries["floor"] = 0
json.dump({"parents": parents, "logins": logins[:-1], "agent": agent, "password": DEMO_PASSWORD,
           "queries": queries}, sys.stdout)
"""

# Before each booking run: the bench parents' pending demandes cancelled through the real
# service, so that every run starts with free days (wrk books them, then cancels them).
RESET = r"""
import django
django.setup()
from django.utils import timezone
from marelle.planning.models import Demande
from marelle.planning.services import demande_cancel

for demande in Demande.objects.filter(status=Demande.Status.PENDING).select_related("famille"):
    demande_cancel(actor=None, demande=demande, now=timezone.now())
"""

# wrk's Lua: a table of scenarios, each a function returning one request; done() prints JSON.
LUA = r"""
local data = %(data)s
local csrf = "%(csrf)s"
local i, parity = 0, {}
local function cookie(session) return "sessionid=" .. session .. "; csrftoken=" .. csrf end
local function post_headers(session)
  local h = {["Content-Type"] = "application/x-www-form-urlencoded", ["X-CSRFToken"] = csrf,
             ["Referer"] = "http://127.0.0.1/", ["X-Requested-With"] = "fetch"}
  h["Cookie"] = session and cookie(session) or ("csrftoken=" .. csrf)
  return h
end
local function parent() i = i + 1; return data.parents[(i %% #data.parents) + 1], i end
local scenarios = {}
scenarios.floor = function() return wrk.format("GET", "/bench/floor/") end
scenarios.planning = function() local p = parent(); return wrk.format("GET", p.planning, {["Cookie"] = cookie(p.session)}) end
scenarios.accueil = function() local p = parent(); return wrk.format("GET", "/portail/accueil/", {["Cookie"] = cookie(p.session)}) end
scenarios.booking = function()
  local p = parent()
  local key = p.action .. p.cell  -- the child's URL and the day: service:day alone is shared by children
  parity[key] = not parity[key]
  local action = parity[key] and "book" or "cancel"  -- a demande, then its cancellation
  return wrk.format("POST", p.action, post_headers(p.session), "action=" .. action .. "&cells=" .. p.cell)
end
scenarios.login = function()
  i = i + 1
  local user = data.logins[(i %% #data.logins) + 1]
  return wrk.format("POST", "/portail/", post_headers(nil), "username=" .. user .. "&password=" .. data.password)
end
scenarios.demandes = function() return wrk.format("GET", "/gestion/demandes/", {["Cookie"] = cookie(data.agent)}) end
scenarios.mix = function()
  local r = math.random(100)
  if r <= 70 then return scenarios.planning() elseif r <= 85 then return scenarios.booking()
  elseif r <= 95 then return scenarios.accueil() else return scenarios.login() end
end
request = scenarios["%(scenario)s"]
response = function(status, headers, body)
  local log = os.getenv("BENCH_DEBUG")  -- a file: the bodies of the answers that failed
  if status >= 400 and log then local f = io.open(log, "a"); f:write(status .. " " .. body:sub(1, 400) .. "\n"); f:close() end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "seconds": %%f, "errors": %%d, "status_errors": %%d, "socket_errors": %%d, "p50": %%f, "p95": %%f, "p99": %%f}\n',
    summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.status + e.timeout, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""

SCENARIOS = [  # (name, connections)
    ("planning", 32),
    ("accueil", 32),
    ("booking", 8),
    ("login", 8),
    ("demandes", 8),
    ("mix", 64),
]


def run(cmd: list[str], env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kw)


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def drain(base: str, timeout: float = 120) -> None:
    """Wait until the server has worked off what the last run left queued (sync workers
    finish requests whose client has gone): three quick floor answers in a row."""
    quick, deadline = 0, time.monotonic() + timeout
    while quick < 3 and time.monotonic() < deadline:
        tick = time.monotonic()
        try:
            urllib.request.urlopen(base + "/bench/floor/", timeout=30)  # noqa: S310 - our own loopback server
        except OSError:
            quick = 0
            continue
        quick = quick + 1 if time.monotonic() - tick < 0.05 else 0
    time.sleep(1)  # a request the other worker was still finishing


def wrk(base: str, scenario: str, data: dict, connections: int, seconds: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(LUA % {"data": lua_table(data), "csrf": CSRF, "scenario": scenario})
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", lua.name, base],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(lua.name)
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / max(result["seconds"], 1e-9)
    return result


def lua_table(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{json.dumps(k)}] = {lua_table(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(lua_table(v) for v in value) + "}"
    return json.dumps(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=1200, help="responsables tried for sessions (one a family)")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--quick", action="store_true", help="a small territory, 2 s a scenario")
    parser.add_argument("--database", default="marelle_bench")
    parser.add_argument("--json", default=str(ROOT / "var" / "bench.json"))
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run (no new territory)")
    args = parser.parse_args(argv)
    if args.quick:
        args.families, args.sessions, args.seconds = min(args.families, 120), min(args.sessions, 60), 2
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marelle.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        "CONN_MAX_AGE": "600",
        "CONN_HEALTH_CHECKS": "1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "STATIC_MANIFEST": "0",
        "BENCH_FLOOR": "1",
        "EMAIL_URL": "console://",
    }
    started = time.perf_counter()
    if not args.reuse:
        psql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{args.database}"')
        run([sys.executable, "manage.py", "migrate", "-v", "0"], env)
        generate = [sys.executable, "manage.py", "generate_volume", "--families", str(args.families)]
        run(generate, env, stdout=subprocess.PIPE)
        psql_db = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", args.database, "-qc", "ANALYZE"]
        subprocess.run(psql_db, check=True)
    setup = run([sys.executable, "-c", SETUP, str(args.sessions)], env, stdout=subprocess.PIPE, text=True)
    data = json.loads(setup.stdout)
    queries = data.pop("queries")
    print(
        f"{args.families} familles, {len(data['parents'])} sessions de parents, préparation "
        f"{time.perf_counter() - started:.0f} s ; gunicorn {args.workers} × {args.worker_class}"
        + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "marelle.wsgi", "-b", f"127.0.0.1:{port}"]
    gunicorn += ["-w", str(args.workers), "-k", args.worker_class, "--log-level", "warning"]
    if args.worker_class == "gthread":
        gunicorn += ["--threads", str(args.threads)]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    rows = []
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/bench/floor/", timeout=1)  # noqa: S310 - our own loopback server
                break
            except OSError:
                time.sleep(0.1)
        for name, connections in SCENARIOS:
            wrk(base, name, data, connections, 1)  # warm-up
            drain(base)
            floor = wrk(base, "floor", data, connections, args.seconds)
            drain(base)
            if name in ("booking", "mix"):
                run([sys.executable, "-c", RESET], env)
            page = wrk(base, name, data, connections, args.seconds)
            drain(base)
            rows.append(
                {
                    "scenario": name,
                    "connections": connections,
                    "rps": round(page["rps"], 1),
                    "p50_ms": round(page["p50"], 1),
                    "p95_ms": round(page["p95"], 1),
                    "p99_ms": round(page["p99"], 1),
                    "errors": page["errors"],
                    "status_errors": page["status_errors"],
                    "socket_errors": page["socket_errors"],
                    "requests": page["requests"],
                    "floor_rps": round(floor["rps"], 1),
                    "of_floor": round(page["rps"] / max(floor["rps"], 1e-9), 3),
                    "queries": queries.get(name),
                    "load": round(os.getloadavg()[0], 2),
                }
            )
    finally:
        server.terminate()
        server.wait(20)

    header = f"{'scénario':<10} {'c':>3} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'erreurs':>8} "
    header += f"{'plancher':>9} {'÷ plancher':>10} {'requêtes':>9} {'charge':>7}"
    print(header)
    for r in rows:
        print(
            f"{r['scenario']:<10} {r['connections']:>3} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{r['p99_ms']:>8.1f} {r['errors']:>8} {r['floor_rps']:>9.1f} {r['of_floor']:>10.3f} "
            f"{r['queries'] if r['queries'] is not None else '—':>9} {r['load']:>7.2f}"
        )
    report = {
        "families": args.families,
        "sessions": len(data["parents"]),
        "seconds": args.seconds,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "threads": args.threads if args.worker_class == "gthread" else 1,
        "cpus": os.cpu_count(),
        "scenarios": rows,
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"JSON : {args.json}")
    return 0 if all(r["requests"] > 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
