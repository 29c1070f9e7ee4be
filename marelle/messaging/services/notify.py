"""Notices to families: a message in the inbox and, as each responsable chose, an email.

`notify` and `notify_many` write in the caller's transaction: the Message rows and one
OutboxEmail row per responsable who wants this kind by email. Once the transaction
commits, the rows are handed to the worker (`tasks.deliver_outbox`); if that hand-over is
lost, `sweep` (manage.py notifications_sweep) finds the due rows again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from marelle.families.models import Famille, Responsable
from marelle.messaging.kinds import Kind
from marelle.messaging.models import Message, NotificationPreference, OutboxEmail

logger = logging.getLogger(__name__)

# Rows handed to one worker task: one SMTP connection serves a whole batch.
BATCH_SIZE = 100


@dataclass(frozen=True)
class Notice:
    famille_id: int
    kind: str
    subject: str
    body: str
    responsable_id: int | None = None
    related: models.Model | None = None


def notify(
    *,
    famille: Famille | None = None,
    responsable: Responsable | None = None,
    kind: str,
    subject: str,
    body: str = "",
    template: str | None = None,
    context: dict | None = None,
    related: models.Model | None = None,
) -> Message:
    """One notice to a family (famille=…) or to one of its responsables (responsable=…: the
    other responsable of the family neither sees it nor gets the email).

    The text is `body`, or `template` (a .txt template under templates/messaging/notices/)
    rendered with `context`."""
    if (famille is None) == (responsable is None):
        raise ValueError("notify() needs exactly one of famille= or responsable=")
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if template is not None:
        body = render_to_string(template, context or {}).strip()
    famille_id = famille.pk if famille is not None else responsable.famille_id
    notice = Notice(
        famille_id=famille_id,
        kind=kind,
        subject=subject,
        body=body,
        responsable_id=responsable.pk if responsable is not None else None,
        related=related,
    )
    return notify_many([notice])[0]


NOTICES_PER_TASK = 1000


def _check_kinds(notices: Sequence[Notice]) -> None:
    for notice in notices:
        if notice.kind not in Kind.values:
            raise ValueError(f"unknown notification kind {notice.kind!r}")


def notify_many(notices: Sequence[Notice]) -> list[Message]:
    """Many notices in three INSERTs (messages, emails) and one hand-over to the worker."""
    _check_kinds(notices)
    content_types: dict[type, ContentType] = {}
    messages = []
    for notice in notices:
        related_type, related_id = None, ""
        if notice.related is not None:
            model = type(notice.related)
            related_type = content_types.setdefault(model, ContentType.objects.get_for_model(model))
            related_id = str(notice.related.pk)
        messages.append(
            Message(
                famille_id=notice.famille_id,
                responsable_id=notice.responsable_id,
                kind=notice.kind,
                subject=notice.subject[:200],
                body=notice.body,
                from_commune=True,
                system=True,
                related_type=related_type,
                related_id=related_id,
            )
        )
    with transaction.atomic():
        Message.objects.bulk_create(messages)
        queue_emails(messages)
    return messages


def notify_many_later(notices: Sequence[Notice]) -> None:
    """Many notices written by the worker instead of the request: one task row, in the
    caller's transaction (django-tasks' database backend writes it there), that writes the
    messages and their outbox rows. For large audiences (a closure reaching 2,000 families
    answers the agent at once); `related` objects are not carried."""
    from marelle.messaging.tasks import write_notices

    _check_kinds(notices)
    rows = [[n.famille_id, n.responsable_id, n.kind, n.subject, n.body] for n in notices]
    for start in range(0, len(rows), NOTICES_PER_TASK):
        write_notices.enqueue(rows=rows[start : start + NOTICES_PER_TASK])


def queue_emails(messages: Sequence[Message], *, now: dt.datetime | None = None) -> list[OutboxEmail]:
    """The outbox rows for saved commune→family messages, handed to the worker on commit."""
    now = now or timezone.now()
    famille_ids = {m.famille_id for m in messages}
    if not famille_ids:
        return []
    recipients: dict[int, list[Responsable]] = defaultdict(list)
    for r in (
        Responsable.objects.filter(famille_id__in=famille_ids, notify_by_email=True)
        .exclude(email="")
        .only("pk", "famille_id", "email")
    ):
        recipients[r.famille_id].append(r)
    opted_out = set(
        NotificationPreference.objects.filter(responsable__famille_id__in=famille_ids, by_email=False).values_list(
            "responsable_id", "kind"
        )
    )
    rows = []
    for message in messages:
        wanted = [
            r
            for r in recipients.get(message.famille_id, ())
            if (message.responsable_id is None or r.pk == message.responsable_id)
            and (r.pk, message.kind) not in opted_out
        ]
        for r in wanted:
            rows.append(
                OutboxEmail(
                    famille_id=message.famille_id,
                    responsable_id=r.pk,
                    message=message,
                    kind=message.kind,
                    recipient=r.email,
                    subject=message.subject[:255],
                    text="",  # rendered by the worker (email_parts): a closure must not wait for 2,000 renderings
                    html="",
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    OutboxEmail.objects.bulk_create(rows)
    enqueue_on_commit([row.pk for row in rows])
    return rows


def email_parts(message: Message) -> tuple[str, str]:
    """The text and HTML bodies of the email that carries `message` (French, as the portal)."""
    site = settings.SITE_URL.rstrip("/")
    context = {
        "subject": message.subject,
        "body": message.body,
        "commune": message.famille.commune.name,
        "message_url": site + reverse("portal:message", args=[message.root.pk]),
        "account_url": site + reverse("portal:compte"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        return (
            get_template("messaging/email/notice.txt").render(context),
            get_template("messaging/email/notice.html").render(context),
        )


def enqueue_on_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


def enqueue(ids: Iterable[int], *, run_after: dt.datetime | None = None) -> None:
    """Hand rows to the worker. A failure here loses nothing: the rows stay pending and the
    sweep hands them over again."""
    from marelle.messaging.tasks import deliver_outbox

    task = deliver_outbox
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # e.g. the immediate backend: the sweep will retry when due
        task = task.using(run_after=run_after)
    try:
        ids = list(ids)
        for start in range(0, len(ids), BATCH_SIZE):
            task.enqueue(ids=ids[start : start + BATCH_SIZE])
    except Exception:
        logger.exception("could not enqueue outbox emails; the sweep will pick them up")


def preference_set(*, responsable: Responsable, kind: str, by_email: bool) -> NotificationPreference:
    """A responsable's choice for one kind: inbox only (by_email=False) or inbox + email."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    preference, _created = NotificationPreference.objects.update_or_create(
        responsable=responsable, kind=kind, defaults={"by_email": by_email}
    )
    return preference
