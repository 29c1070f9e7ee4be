"""A live server on a PostgreSQL database of its own, for tests that fire real simultaneous
requests (the planning's capacity race, the agents' decision race). Used whatever database
the rest of the suite runs on; in CI a missing PostgreSQL fails instead of skipping."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[1]
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
CSRF = "r" * 32  # the same secret in cookie and header satisfies Django's CSRF check


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_admin():
    """A connection to the server's maintenance database (PostgreSQL missing: skip, or fail in CI)."""
    import psycopg

    try:
        return psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=3, **PG)
    except psycopg.OperationalError:
        require_or_skip("REQUIRE_POSTGRES", "PostgreSQL is not reachable on 127.0.0.1:5432")


@contextlib.contextmanager
def fresh_database(prefix: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A new, migrated database; yields its name and the environment that points manage.py at it."""
    name = f"{prefix}_{os.getpid()}"
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "marelle.settings"}
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        yield name, env
    finally:
        with pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def serve(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.1)
    return proc, base
