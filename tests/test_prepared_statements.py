"""On PostgreSQL a query run again and again on a kept connection is prepared once, so that
the server stops planning it (settings: DB_PREPARED_STATEMENTS, on by default); off, nothing
is prepared (for a pooler that cannot hold prepared statements)."""

import os
import subprocess
import sys

import pytest

from tests.live_postgres import PG, ROOT, pg_admin

SCRIPT = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:  # the cursor class every ORM query goes through
    for oid in range(8):
        cursor.execute("SELECT relname FROM pg_class WHERE oid = %s", [oid])
    cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%FROM pg_class%"])
    print(cursor.fetchone()[0])
"""


@pytest.mark.parametrize(("setting", "prepared"), [("", True), ("0", False)])
def test_repeated_queries_are_prepared_unless_turned_off(setting, prepared):
    pg_admin().close()  # PostgreSQL reachable (or the test fails in CI)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marelle.settings",
        "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/postgres",
        "DB_PREPARED_STATEMENTS": setting,
    }
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (int(out.stdout.strip()) > 0) is prepared
