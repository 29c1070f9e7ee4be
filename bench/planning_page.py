"""Load benchmark of a child's month planning page on PostgreSQL.

    .venv/bin/python -m bench.planning_page [--seconds 15] [--connections 16] [--workers 3]

Makes a fresh database `marelle_bench`, one family per child with four services and a
month of bookings, serves the app with gunicorn, loads one parent's planning page with
wrk (Debian package `wrk`) rotating over many parents' sessions, and prints requests/s,
latency and the page's SQL query count. Traffic goes to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = "marelle_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"

SETUP = r"""
import datetime as dt, json, os, sys
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from marelle.planning.models import Cell, CellState, Service
from tests import factories as f

families = int(sys.argv[1])
commune = f.CommuneFactory(slug="bench")
etab = f.EtablissementFactory(commune=commune)
year = f.SchoolYearFactory(commune=commune, start_date=dt.date(2000, 1, 1), end_date=dt.date(2100, 1, 1))
services = [
    f.ServiceFactory(etablissement=etab, name=name, weekdays="0134", position=i,
                     booking_mode=Service.BookingMode.AUTOMATIC if i == 0 else Service.BookingMode.VALIDATION)
    for i, name in enumerate(["GARDERIE MATIN", "GARDERIE MIDI", "GARDERIE SOIR", "RESTAURATION"])
]
today = timezone.localdate()
first = today.replace(day=1)
days = [first + dt.timedelta(days=i) for i in range(31) if (first + dt.timedelta(days=i)).month == first.month]
out = []
user_hash = None
for n in range(families):
    parent = f.ResponsableFactory(famille__commune=commune, user__password=None)
    enfant = f.EnfantFactory(famille=parent.famille, etablissement=etab)
    cells = []
    for s in services:
        f.InscriptionFactory(enfant=enfant, service=s, school_year=year, responsable=parent)
        cells += [Cell(enfant=enfant, service=s, date=d, state=CellState.BOOKED, state_since=timezone.now())
                  for d in days if s.is_open_on(d)]
    Cell.objects.bulk_create(cells)
    session = SessionStore()
    session[SESSION_KEY] = str(parent.user.pk)
    session[BACKEND_SESSION_KEY] = "marelle.families.auth.IdentifiantBackend"
    session[HASH_SESSION_KEY] = parent.user.get_session_auth_hash()
    session.create()
    out.append({"session": session.session_key, "path": f"/portail/enfants/{enfant.pk}/planning/"})
client = Client()
client.cookies["sessionid"] = out[0]["session"]
with CaptureQueriesContext(connection) as queries:
    status = client.get(out[0]["path"]).status_code
json.dump({"pages": out, "queries": len(queries), "status": status}, sys.stdout)
"""

WRK_SCRIPT = """
local pages = {%s}
local i = 0
request = function()
  i = (i %% #pages) + 1
  local p = pages[i]
  return wrk.format("GET", p[2], {["Cookie"] = "sessionid=" .. p[1]})
end
"""


def run(cmd: list[str], env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kw)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    env = {**os.environ, "DATABASE_URL": PG_URL, "DJANGO_SETTINGS_MODULE": "marelle.settings", "CONN_MAX_AGE": "600"}
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"], check=True
    )
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB}"], check=True)
    run([sys.executable, "manage.py", "migrate", "-v", "0"], env)
    setup = run([sys.executable, "-c", SETUP, str(args.families)], env, capture_output=True, text=True)
    data = json.loads(setup.stdout)
    if data["status"] != 200:
        sys.exit(f"planning page answered {data['status']}")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "marelle.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        pages = ",".join(f'{{"{p["session"]}","{p["path"]}"}}' for p in data["pages"])
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(WRK_SCRIPT % pages)
        # warm-up, then the measured run
        subprocess.run(["wrk", "-t2", "-c4", "-d3s", "-s", lua.name, base], capture_output=True, check=True)
        result = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "-s", lua.name, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(10)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", result)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
    print(result)
    print(
        json.dumps(
            {
                "requests_per_second": float(rps.group(1)) if rps else None,
                "non_2xx": int(non2xx.group(1)) if non2xx else 0,
                "queries_per_page": data["queries"],
                "families": args.families,
                "gunicorn_workers": args.workers,
                "connections": args.connections,
            }
        )
    )


if __name__ == "__main__":
    main()
