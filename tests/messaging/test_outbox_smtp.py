"""A notification survives an SMTP outage: nothing lost, everything delivered once.

Runs the real worker (django-tasks' database backend and its db_worker loop) against a real
SMTP server on the loopback that is stopped, then restarted."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from marelle.messaging.models import Message, OutboxEmail
from marelle.planning import services as planning
from marelle.planning.models import CellState
from tests import factories as f
from tests.planning.conftest import paris

NOW = paris(2026, 12, 4, 10, 0)
MONDAY = dt.date(2026, 12, 7)
FAMILIES = 6


def run_worker():
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NOTIFICATION_RETRY_DELAYS = (60, 300)


@pytest.mark.django_db(transaction=True)
def test_closure_mails_survive_an_smtp_outage_and_go_exactly_once(world, cantine, smtp_server, database_tasks):
    familles = [world.famille]
    for _i in range(FAMILIES - 1):
        famille = f.FamilleFactory(commune=world.commune)
        responsable = f.ResponsableFactory(famille=famille)
        enfant = f.EnfantFactory(famille=famille, etablissement=world.etablissement)
        f.InscriptionFactory(enfant=enfant, service=cantine, school_year=world.school_year, responsable=responsable)
        familles.append(famille)
    # Two responsables in one family: both want emails.
    f.ResponsableFactory(famille=world.famille, prenom="Second")
    for famille in familles:
        for enfant in famille.enfants.all():
            f.CellFactory(enfant=enfant, service=cantine, date=MONDAY, state=CellState.BOOKED)
    closure = f.ClosureFactory(commune=world.commune, start_date=MONDAY, end_date=MONDAY, label="Grève")
    expected = sorted(r.email for famille in familles for r in famille.responsables.all())  # one mail per responsable

    smtp_server.stop()
    with time_machine.travel(NOW, tick=False):
        with transaction.atomic():
            planning.closure_apply(actor=world.agent.user, closure=closure, now=NOW)
        run_worker()

    assert smtp_server.collector.received == []
    rows = list(OutboxEmail.objects.all())
    assert sorted(r.recipient for r in rows) == expected
    assert all(r.status == OutboxEmail.Status.PENDING and r.attempts == 1 and r.last_error for r in rows)
    assert Message.objects.filter(system=True, subject__contains="fermeture").count() == FAMILIES

    smtp_server.start()
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        run_worker()  # the retries the worker queued with run_after
        call_command("notifications_sweep", verbosity=0)  # and a sweep: nothing is sent twice
        run_worker()

    assert sorted(smtp_server.collector.recipients()) == expected
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxEmail.Status.SENT}
    _rcpts, sample = smtp_server.collector.received[0]
    assert sample.is_multipart()
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in sample.walk() if not p.is_multipart()}
    assert "Grève" in parts["text/plain"] and "Grève" in parts["text/html"] and "<html" in parts["text/html"]


@pytest.mark.django_db(transaction=True)
def test_a_lost_task_is_found_by_the_sweep(world, smtp_server, database_tasks):
    from marelle.messaging.services import notify

    with transaction.atomic():
        notify(famille=world.famille, kind="message", subject="Menu", body="Frites")
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the hand-over is lost
    run_worker()
    assert smtp_server.collector.received == []
    call_command("notifications_sweep", verbosity=0)
    run_worker()
    assert smtp_server.collector.recipients() == [world.alice.email]
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_after_the_last_retry_the_email_is_failed_and_shown(world, smtp_server, database_tasks, settings):
    from marelle.messaging.services import notify

    settings.NOTIFICATION_RETRY_DELAYS = (60,)
    smtp_server.stop()
    with time_machine.travel(NOW, tick=False):
        with transaction.atomic():
            notify(famille=world.famille, kind="message", subject="Menu", body="Frites")
        run_worker()
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        run_worker()
    row = OutboxEmail.objects.get()
    assert row.status == OutboxEmail.Status.FAILED and row.attempts == 2
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()


@pytest.mark.django_db(transaction=True)
def test_a_large_closure_leaves_its_notices_to_the_worker(world, cantine, smtp_server, database_tasks, monkeypatch):
    """Over INLINE_NOTICES families, the request writes one task row in its transaction and
    the worker writes the messages and sends the mails: the agent does not wait for them."""
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr("marelle.planning.notifications.INLINE_NOTICES", 3)
    for _i in range(FAMILIES - 1):
        famille = f.FamilleFactory(commune=world.commune)
        responsable = f.ResponsableFactory(famille=famille)
        enfant = f.EnfantFactory(famille=famille, etablissement=world.etablissement)
        f.InscriptionFactory(enfant=enfant, service=cantine, school_year=world.school_year, responsable=responsable)
    for enfant in world.commune.familles.all().values_list("enfants", flat=True):
        f.CellFactory(enfant_id=enfant, service=cantine, date=MONDAY, state=CellState.BOOKED)
    closure = f.ClosureFactory(commune=world.commune, start_date=MONDAY, end_date=MONDAY, label="Grève")

    with time_machine.travel(NOW, tick=False):
        with transaction.atomic():
            closed = planning.closure_apply(actor=world.agent.user, closure=closure, now=NOW)
        assert closed == FAMILIES
        assert not Message.objects.exists() and not OutboxEmail.objects.exists()
        assert DBTaskResult.objects.filter(task_path__endswith="write_notices").count() == 1
        run_worker()

    assert Message.objects.filter(system=True, subject__contains="fermeture").count() == FAMILIES
    assert len(smtp_server.collector.recipients()) == FAMILIES
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxEmail.Status.SENT}


@pytest.mark.django_db(transaction=True)
def test_a_large_closure_rolled_back_notifies_nobody(world, cantine, database_tasks, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr("marelle.planning.notifications.INLINE_NOTICES", 0)
    f.CellFactory(enfant=world.enfant, service=cantine, date=MONDAY, state=CellState.BOOKED)
    closure = f.ClosureFactory(commune=world.commune, start_date=MONDAY, end_date=MONDAY, label="Grève")
    with pytest.raises(RuntimeError), transaction.atomic():
        planning.closure_apply(actor=world.agent.user, closure=closure, now=NOW)
        raise RuntimeError("the closure fails after its notices were queued")
    assert not DBTaskResult.objects.exists()  # the task row went with the transaction
