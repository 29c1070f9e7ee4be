"""Benchmark (not a test): a closure that notifies thousands of families.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/marelle_bench \\
        .venv/bin/python manage.py bench_closure --families 2000

Builds one commune of `--families` families with `generate_volume`, starts a local SMTP
server (aiosmtpd, a development dependency) and the real worker (`manage.py db_worker`, in
its own process, sending through that server), then has an agent close a school week
through the back office's own view, as the agent's browser would post it. It prints how
long the agent waited for the answer, then how long the worker took to deliver every email,
and checks that each was delivered once.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from marelle.demo.volume import generate_volume
from marelle.messaging.models import Message, OutboxEmail
from marelle.territory.models import Agent, Commune, DayType

ROOT = Path(__file__).resolve().parents[4]


class _Counter:
    """aiosmtpd handler: counts the messages and their recipients."""

    def __init__(self):
        self.lock = threading.Lock()
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Command(BaseCommand):
    help = "Mesure une fermeture qui prévient N familles : la réponse à l'agent, puis la livraison par le worker."

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, default=2000)
        parser.add_argument("--timeout", type=int, default=600, help="Attente maximale de la livraison, en secondes")

    def handle(self, *args, families: int, timeout: int, **options):
        try:
            from aiosmtpd.controller import Controller
        except ImportError as exc:
            raise CommandError("aiosmtpd manque : pip install -r requirements-dev.txt") from exc
        if families < 1:
            raise CommandError("--families doit être au moins 1.")

        tick = time.perf_counter()
        stats = generate_volume(families=families, commune_count=1)
        commune = Commune.objects.get(territory_id=stats.territory_id)
        user = get_user_model().objects.create_user(
            username=f"bench.agent.{commune.pk}@example.org", email=f"bench.agent.{commune.pk}@example.org"
        )
        Agent.objects.create(user=user).communes.add(commune)
        self.stdout.write(f"{stats.familles} familles générées en {time.perf_counter() - tick:.1f} s")

        counter = _Counter()
        port = _free_port()
        smtp = Controller(counter, hostname="127.0.0.1", port=port)
        smtp.start()
        env = {
            **os.environ,
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "TASKS_BACKEND": "database",
            "DJANGO_SETTINGS_MODULE": "marelle.settings",
        }
        worker = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "-v", "0"],
            cwd=ROOT,
            env=env,
        )
        try:
            self._run(commune, user, counter, timeout)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            smtp.stop()

    def _run(self, commune, user, counter, timeout):
        today = timezone.localdate()
        monday = today + dt.timedelta(days=7 - today.weekday() + 7)  # the week after next
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(user)
        url = reverse("backoffice:calendrier_commune", args=[commune.pk])
        client.get(url, secure=settings.SECURE_SSL_REDIRECT)  # as the agent does: the page first (and a warm process)
        started_at = timezone.now()
        tick, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                url,
                {
                    "form": "closure",
                    "cl-label": "Grève des agents",
                    "cl-start_date": monday.isoformat(),
                    "cl-end_date": (monday + dt.timedelta(days=4)).isoformat(),
                    "cl-day_type": DayType.objects.get(commune=commune, code="F").pk,
                },
                secure=settings.SECURE_SSL_REDIRECT,
            )
        answer, cpu, queries = time.perf_counter() - tick, time.process_time() - cpu, len(captured)
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
        if response.status_code != 302:
            raise CommandError(f"La fermeture a été refusée : HTTP {response.status_code}")
        self.stdout.write(
            f"Fermeture du {monday:%d/%m} au {monday + dt.timedelta(days=4):%d/%m} : réponse à l'agent en "
            f"{answer * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms, {queries} requêtes)"
        )
        for q in slowest:
            self.stdout.write(f"  {float(q['time']) * 1000:6.0f} ms  {q['sql'][:110]}")
        # The worker writes the inbox messages and their outbox rows, then sends.
        notices = DBTaskResult.objects.filter(task_path__endswith="write_notices", enqueued_at__gte=started_at)
        while notices.exclude(status=TaskResultStatus.SUCCESSFUL).exists() and time.perf_counter() - tick < timeout:
            time.sleep(0.2)
        notified = Message.objects.filter(famille__commune=commune, system=True, created_at__gte=started_at)
        emails = OutboxEmail.objects.filter(created_at__gte=started_at)
        expected = emails.count()
        self.stdout.write(
            f"Boîtes de réception écrites en {time.perf_counter() - tick:.1f} s : "
            f"{notified.values('famille').distinct().count()} familles prévenues, {expected} courriels à envoyer"
        )
        wanted = set(emails.values_list("recipient", flat=True))

        def ours() -> list[str]:  # a reused database may hold older runs' mails: count this run's
            with counter.lock:
                return [r for r in counter.recipients if r in wanted]

        while len(ours()) < expected and time.perf_counter() - tick < timeout:
            time.sleep(0.2)
        delivery = time.perf_counter() - tick
        time.sleep(1)  # anything delivered twice would arrive now
        while emails.exclude(status=OutboxEmail.Status.SENT).exists() and time.perf_counter() - tick < timeout:
            time.sleep(0.2)  # the worker marks each row sent just after the server took it
        sent = emails.filter(status=OutboxEmail.Status.SENT).count()
        received = len(ours())
        distinct = len(set(ours()))
        self.stdout.write(
            f"Livraison : {received} courriels reçus par le serveur SMTP {delivery:.1f} s après l'envoi de la "
            f"fermeture ({received / max(delivery, 0.001):.0f}/s), {distinct} destinataires distincts, "
            f"{sent}/{expected} marqués envoyés ; charge {'/'.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        if received != expected or distinct != expected or sent != expected:
            raise CommandError("Des courriels manquent ou sont partis deux fois.")
