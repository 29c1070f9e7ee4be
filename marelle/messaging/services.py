from __future__ import annotations

import datetime as dt

from marelle.messaging.models import Message


def message_mark_read(*, message: Message, now: dt.datetime) -> None:
    """Mark a commune's message read; conditional so that two tabs opening it write once."""
    if message.from_commune and message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
        message.read_at = now
