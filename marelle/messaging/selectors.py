from __future__ import annotations

from django.db.models import QuerySet

from marelle.families.models import Famille
from marelle.messaging.models import Message


def unread_count(famille: Famille) -> int:
    """Messages from the commune the family has not opened yet."""
    return Message.objects.filter(famille=famille, from_commune=True, read_at__isnull=True).count()


def inbox(famille: Famille) -> QuerySet[Message]:
    return Message.objects.filter(famille=famille)
