"""A login finds its account through an index on lower(email) / lower(username), not by
scanning auth_user (families/migrations/0005)."""

from __future__ import annotations

import pytest
from django.db import connection

from marelle.families.auth import users_for_identifiant

# The login's own query (IdentifiantBackend.authenticate), and the index it must use.
LOOKUPS = [("Alice@Example.org ", "families_user_email_lower"), ("Admin", "families_user_username_lower")]


def _login_query(identifiant, using_connection):
    queryset = users_for_identifiant(identifiant).order_by("pk")[:2]
    return queryset.query.get_compiler(connection=using_connection).as_sql()


@pytest.mark.parametrize(("identifiant", "index"), LOOKUPS)
def test_the_login_lookup_uses_its_index_on_the_suites_database(db, identifiant, index):
    sql, params = _login_query(identifiant, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            plan = _pg_plan(cursor, sql, params)
            assert f"{index} on auth_user" in plan or f"Index Scan on {index}" in plan, plan
            return
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert f"USING INDEX {index}" in plan, plan


def _pg_plan(cursor, sql: str, params) -> str:
    # A handful of rows: without this the planner rightly prefers a sequential scan.
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute(f"EXPLAIN {sql}", params)
    return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture(scope="module")
def fresh_postgresql():
    """When the suite runs on SQLite: a migrated PostgreSQL database of this module's own."""
    from tests.live_postgres import fresh_database

    with fresh_database("marelle_queues_login") as (name, _env):
        yield name


@pytest.mark.postgres
@pytest.mark.parametrize(("identifiant", "index"), LOOKUPS)
def test_the_login_lookup_is_an_index_scan_on_postgresql(db, request, identifiant, index):
    if connection.vendor == "postgresql":
        sql, params = _login_query(identifiant, connection)
        with connection.cursor() as cursor:  # inside the test's transaction: SET LOCAL ends with it
            plan = _pg_plan(cursor, sql, params)
    else:
        plan = _plan_on(request.getfixturevalue("fresh_postgresql"), identifiant)
    assert f"Index Scan using {index} on auth_user" in plan or f"Bitmap Index Scan on {index}" in plan, plan
    assert "Seq Scan on auth_user" not in plan, plan


def _plan_on(name: str, identifiant: str) -> str:
    """The login's query compiled for PostgreSQL and explained on database `name`."""
    import psycopg
    from django.db.backends.postgresql.base import DatabaseWrapper

    from tests.live_postgres import PG

    pg = DatabaseWrapper({**connection.settings_dict, "ENGINE": "django.db.backends.postgresql", "NAME": name})
    sql, params = _login_query(identifiant, pg)
    with psycopg.connect(dbname=name, **PG) as conn, psycopg.ClientCursor(conn) as cursor:
        return _pg_plan(cursor, sql, params)
