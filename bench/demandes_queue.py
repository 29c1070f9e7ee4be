"""Render time of the back office's file des demandes with many pending demandes.

    .venv/bin/python -m bench.demandes_queue [--pending 2000] [--rounds 20] [--postgres]

Builds a throwaway database (a temporary SQLite file, or with --postgres a PostgreSQL
database `marelle_bench_queue` on 127.0.0.1 that it drops afterwards), one commune with
`--pending` pending demandes spread over 200 children, then renders the queue's first page
in process with Django's test client and prints the median and best wall time, the median
CPU time of this process (the database server's time excluded), the page's size and its SQL
query count. No network traffic; a few seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_DB = "marelle_bench_queue"


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)


def _populate(pending: int):
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from marelle.planning.models import Cell, CellState, Demande, DemandeLine
    from tests import factories as f

    commune = f.CommuneFactory(slug="bench-queue")
    etab = f.EtablissementFactory(commune=commune)
    services = [f.ServiceFactory(etablissement=etab, name=n, capacity=30) for n in ("RESTAURATION", "GARDERIE")]
    enfants = [f.EnfantFactory(famille__commune=commune, etablissement=etab) for _ in range(200)]
    agent = f.AgentFactory(communes=[commune])
    start = dt.date(2026, 1, 5)
    now = timezone.now()
    demandes = Demande.objects.bulk_create(
        Demande(
            famille_id=enfants[i % 200].famille_id,
            enfant=enfants[i % 200],
            kind=Demande.Kind.RESERVATION,
            created_at=now + dt.timedelta(seconds=i),
        )
        for i in range(pending)
    )
    lines, cells = [], []
    for i, demande in enumerate(demandes):
        day = start + dt.timedelta(days=i // 200)
        service = services[i % 2]
        lines.append(
            DemandeLine(demande=demande, service=service, date=day, from_state="free", to_state=CellState.PENDING)
        )
        cells.append(
            Cell(
                enfant_id=demande.enfant_id,
                service=service,
                date=day,
                state=CellState.PENDING,
                state_since=now,
                demande=demande,
            )
        )
    DemandeLine.objects.bulk_create(lines, batch_size=500)
    Cell.objects.bulk_create(cells, batch_size=500)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return agent.user


def measure(pending: int, rounds: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    # Not setup_test_environment(): its instrumented template rendering would be measured too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    user = _populate(pending)
    client = Client()
    client.force_login(user)
    url = reverse("backoffice:demandes")
    client.get(url)  # warm templates and caches
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    times, cpu = [], []
    for _ in range(rounds):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - begin) * 1000)
        cpu.append((time.process_time() - begin_cpu) * 1000)
    return {
        "database": connection.vendor,
        "pending": pending,
        "median_ms": round(statistics.median(times), 1),
        "best_ms": round(min(times), 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
        "cpu_best_ms": round(min(cpu), 1),
        "kb": round(len(response.content) / 1024, 1),
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "marelle.settings"
    if args.postgres:
        _psql(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        _psql(f"CREATE DATABASE {PG_DB}")
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
        try:
            result = measure(args.pending, args.rounds)
        finally:
            from django.db import connections

            connections.close_all()
            _psql(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            result = measure(args.pending, args.rounds)
    print(" ".join(f"{key}={value}" for key, value in result.items()))


if __name__ == "__main__":
    main()
