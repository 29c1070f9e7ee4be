"""Benchmark (not a test): issue one month for a generated territory, PDFs included.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/marelle_bench \\
        .venv/bin/python manage.py bench_invoicing --families 5000

Builds the territory with `generate_volume` (a régie per commune with the demo's QF
prices, about 40 % of families with a quotient familial), then issues the month through
the real `invoice_run_issue`, one run per régie, and prints the time and the queries of
each run. The queries of a run depend on the régie's services and months, not on its
families: every run of the table shows the same count whatever its size.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marelle.billing.models import BilledCell, Facture, FactureLine
from marelle.billing.services.runs import invoice_run_issue
from marelle.demo.billing import regie_with_prices
from marelle.demo.volume import generate_volume
from marelle.families.models import Famille
from marelle.planning.models import Service
from marelle.territory.models import Commune


class Command(BaseCommand):
    help = "Mesure l'émission d'un mois de factures (PDF compris) pour un territoire généré."

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, default=5000, help="Nombre de familles générées")
        parser.add_argument("--month", default="", help="Mois facturé, AAAA-MM (défaut : le mois dernier)")
        parser.add_argument("--no-pdf", action="store_true", help="Sans les PDF (pour comparer)")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, families: int, month: str, no_pdf: bool, seed: int, **options):
        if families < 1:
            raise CommandError("--families doit être au moins 1.")
        today = timezone.localdate()
        if month:
            try:
                billed = dt.date.fromisoformat(f"{month}-01")
            except ValueError as exc:
                raise CommandError("--month : AAAA-MM attendu.") from exc
        else:
            billed = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)

        started = time.perf_counter()
        stats = generate_volume(families=families, seed=seed)
        regies = self._regies(stats.territory_id, seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # bulk loads leave the planner without statistics
        setup = time.perf_counter() - started
        self.stdout.write(
            f"{connection.vendor}: {stats.familles} familles, {stats.enfants} enfants, {stats.cells} cases, "
            f"{len(regies)} régies — préparation {setup:.1f} s"
        )

        rows, total_seconds, cpu_start = [], 0.0, time.process_time()
        for regie in regies:
            tick = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                run = invoice_run_issue(regie=regie, month=billed, actor=None, with_pdf=not no_pdf)
            seconds = time.perf_counter() - tick
            total_seconds += seconds
            rows.append((regie.invoice_prefix, run.invoice_count, len(queries), seconds))
        cpu = time.process_time() - cpu_start

        self.stdout.write(f"{'régie':<12} {'factures':>9} {'requêtes':>9} {'secondes':>9}")
        for prefix, count, queries, seconds in rows:
            self.stdout.write(f"{prefix:<12} {count:>9} {queries:>9} {seconds:>9.2f}")
        invoices = Facture.objects.filter(regie__in=regies)
        lines = FactureLine.objects.filter(facture__regie__in=regies).count()
        cells = BilledCell.objects.filter(regie__in=regies).count()
        pdfs = invoices.exclude(pdf="").count()
        count = invoices.count()
        query_counts = sorted({q for _p, _c, q, _s in rows})
        self.stdout.write(
            f"Mois {billed:%Y-%m} : {count} factures, {lines} lignes, {cells} cases facturées, {pdfs} PDF "
            f"en {total_seconds:.1f} s ({1000 * total_seconds / max(count, 1):.1f} ms par facture, "
            f"CPU du processus {cpu:.1f} s) ; requêtes par émission : {', '.join(map(str, query_counts))} ; "
            f"charge {'/'.join(f'{x:.2f}' for x in os.getloadavg())}"
        )

    def _regies(self, territory_id: int, seed: int):
        """A régie per generated commune owning its services; QF for some families."""
        rng = random.Random(seed)
        communes = Commune.objects.filter(territory_id=territory_id).order_by("position")
        services = Service.objects.filter(etablissement__commune__in=communes).select_related("etablissement")
        by_commune: dict[int, dict[str, Service]] = {}
        for service in services:
            by_commune.setdefault(service.etablissement.commune_id, {})[service.name] = service
        regies = [
            regie_with_prices(
                commune,
                by_commune[commune.pk],
                prefix=f"V{territory_id}C{i + 1}",
                valid_from=dt.date(2026, 9, 1),
            )
            for i, commune in enumerate(communes)
        ]
        familles = list(Famille.objects.filter(commune__in=communes).only("pk"))
        for famille in familles:
            famille.quotient_familial = rng.choice([None, None, None, 350, 620, 950])
        Famille.objects.bulk_update(familles, ["quotient_familial"], batch_size=2000)
        return regies
