"""The worker's side of the outbox: send, retry with backoff, never twice.

A row is sent only by whoever moves it from pending to sending in one conditional UPDATE
(two workers, or a task and the sweep, racing on the same row: one wins, the other skips).
The outcome is recorded on the row; a failure is retried after a growing delay, up to
len(NOTIFICATION_RETRY_DELAYS) retries, then shown as failed in the back office.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from marelle.audit.services import log_action
from marelle.messaging.models import OutboxEmail
from marelle.messaging.services.notify import email_parts, enqueue

logger = logging.getLogger(__name__)

# Seconds before the 1st, 2nd… retry: about a day and a half of trying in all.
DEFAULT_RETRY_DELAYS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 12 * 3600)
# A worker killed between claiming a row and recording the outcome leaves it in "sending";
# after this lease the sweep puts it back (the mail may then go twice: the only case).
SENDING_LEASE = dt.timedelta(minutes=10)

Status = OutboxEmail.Status


def retry_delays() -> tuple[int, ...]:
    return tuple(getattr(settings, "NOTIFICATION_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.__dict__.items()}


def deliver(*, ids: list[int]) -> DeliveryReport:
    """Send the due pending rows among `ids` through Django's email backend (EMAIL_URL)."""
    report = DeliveryReport()
    connection = None
    retry_at: dt.datetime | None = None
    try:
        for pk in ids:
            now = timezone.now()
            claimed = OutboxEmail.objects.filter(pk=pk, status=Status.PENDING, next_attempt_at__lte=now).update(
                status=Status.SENDING, claimed_at=now
            )
            if not claimed:
                report.skipped.append(pk)
                continue
            row = OutboxEmail.objects.select_related("message__famille__commune", "message__thread").get(pk=pk)
            try:
                if not row.text:  # rendered here, not in the request that queued it
                    if row.message is None:
                        raise ValueError("the message of this email no longer exists")
                    row.text, row.html = email_parts(row.message)
                if connection is None:
                    connection = get_connection()
                    connection.open()
                email = EmailMultiAlternatives(
                    row.subject, row.text, settings.DEFAULT_FROM_EMAIL, [row.recipient], connection=connection
                )
                if row.html:
                    email.attach_alternative(row.html, "text/html")
                email.send()
            except Exception as exc:  # SMTP refusals, a server down, timeouts: all recorded, retried
                connection = _close_quietly(connection)
                next_at = _record_failure(row, exc)
                if next_at is None:
                    report.failed.append(pk)
                else:
                    report.retrying.append(pk)
                    retry_at = max(retry_at or next_at, next_at)
            else:
                OutboxEmail.objects.filter(pk=pk, status=Status.SENDING).update(
                    status=Status.SENT,
                    text=row.text,  # what was sent, kept
                    html=row.html,
                    sent_at=timezone.now(),
                    attempts=F("attempts") + 1,
                    last_error="",
                    claimed_at=None,
                )
                report.sent.append(pk)
    finally:
        _close_quietly(connection)
    if report.retrying:
        enqueue(report.retrying, run_after=retry_at)
    return report


def _record_failure(row: OutboxEmail, exc: Exception) -> dt.datetime | None:
    """Count the attempt; the time of the next one, or None when it has failed for good."""
    attempts = row.attempts + 1
    delays = retry_delays()
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if attempts > len(delays):
        status, next_at = Status.FAILED, None
    else:
        status, next_at = Status.PENDING, now + dt.timedelta(seconds=delays[attempts - 1])
    OutboxEmail.objects.filter(pk=row.pk, status=Status.SENDING).update(
        status=status,
        attempts=attempts,
        last_error=error,
        next_attempt_at=next_at or row.next_attempt_at,
        claimed_at=None,
    )
    logger.warning("outbox email %s attempt %s failed: %s", row.pk, attempts, error)
    return next_at


def _close_quietly(connection) -> None:
    if connection is not None:
        # A broken connection is dropped; the row's outcome is already recorded.
        with contextlib.suppress(Exception):
            connection.close()
    return None


def sweep(*, now: dt.datetime | None = None) -> int:
    """Hand every due pending row to the worker again (and take back rows a dead worker
    left in "sending"). Safe to run at any time, as often as wanted: a row already queued
    is sent once, whoever claims it first."""
    now = now or timezone.now()
    OutboxEmail.objects.filter(status=Status.SENDING, claimed_at__lt=now - SENDING_LEASE).update(
        status=Status.PENDING, claimed_at=None
    )
    due = list(
        OutboxEmail.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    enqueue(due)
    return len(due)


def outbox_retry(*, outbox: OutboxEmail, actor, now: dt.datetime | None = None) -> bool:
    """An agent asks for one more try of a failed email. False if it was not failed."""
    now = now or timezone.now()
    changed = OutboxEmail.objects.filter(pk=outbox.pk, status=Status.FAILED).update(
        status=Status.PENDING, next_attempt_at=now, attempts=max(0, len(retry_delays()))
    )
    if not changed:
        return False
    log_action(obj=outbox.famille, action="notification.retried", actor=actor, data={"outbox": outbox.pk})
    transaction.on_commit(lambda: enqueue([outbox.pk]))
    return True
