"""Background tasks (django-tasks; in production the database backend and `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from marelle.messaging.services.notify import Notice, notify_many
from marelle.messaging.services.outbox import deliver, sweep


@task()
def deliver_outbox(ids: list[int]) -> dict[str, int]:
    """Send a batch of outbox emails; failures are recorded on the rows and retried later."""
    return deliver(ids=ids).as_dict()


@task()
def sweep_outbox() -> int:
    """Hand the due pending emails to the worker again (see services.outbox.sweep)."""
    return sweep()


@task()
def write_notices(rows: list[list]) -> int:
    """Write notices queued by `notify_many_later`: [famille id, responsable id, kind, subject, body]."""
    notices = [Notice(famille_id=f, responsable_id=r, kind=k, subject=s, body=b) for f, r, k, s, b in rows]
    return len(notify_many(notices))
