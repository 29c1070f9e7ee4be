"""Reads of the inbox (parent) and of the commune's messagerie (agent), shaped for a screen."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from marelle.families.models import Famille, Responsable
from marelle.messaging.models import Attachment, Broadcast, Message, OutboxEmail


def visible_to(famille: Famille, responsable: Responsable | None = None) -> QuerySet[Message]:
    """The family's messages; a notice addressed to one responsable only is theirs alone."""
    qs = Message.objects.filter(famille=famille)
    if responsable is not None:
        qs = qs.filter(Q(responsable__isnull=True) | Q(responsable=responsable))
    return qs


def unread_count(famille: Famille, responsable: Responsable | None = None) -> int:
    """Messages from the commune the family has not opened yet."""
    return visible_to(famille, responsable).filter(from_commune=True, read_at__isnull=True).count()


def inbox(famille: Famille, responsable: Responsable | None = None) -> QuerySet[Message]:
    """Conversations (first messages), newest activity first, with their unread replies counted."""
    visible = visible_to(famille, responsable)
    unread_replies = visible.filter(thread=OuterRef("pk"), from_commune=True, read_at__isnull=True)
    return (
        visible.filter(thread__isnull=True)
        .annotate(
            last_at=Max("replies__created_at"),
            reply_count=Count("replies", distinct=True),
            has_unread_reply=Exists(unread_replies),
        )
        .order_by("-created_at", "-id")
    )


def conversation(root: Message) -> list[Message]:
    """The first message and its replies, oldest first, with their attachments."""
    return list(
        Message.objects.filter(Q(pk=root.pk) | Q(thread=root))
        .select_related("sender")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def attachment_for_family(famille: Famille, responsable: Responsable | None, pk: int) -> Attachment:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Attachment.objects.filter(message__in=visible_to(famille, responsable)).select_related("message"), pk=pk
    )


# ------------------------------------------------------------------------ agents


def commune_messages(commune_ids: Iterable[int]) -> QuerySet[Message]:
    return Message.objects.filter(famille__commune_id__in=list(commune_ids))


def commune_inbox(commune_ids: Iterable[int], *, state: str = "a_traiter") -> QuerySet[Message]:
    """The families' messages to their commune: à traiter (non lu or lu) or traités."""
    qs = (
        commune_messages(commune_ids).filter(from_commune=False).select_related("famille", "famille__commune", "thread")
    )
    if state == "traites":
        qs = qs.filter(handled_at__isnull=False)
    elif state == "non_lus":
        qs = qs.filter(handled_at__isnull=True, agent_read_at__isnull=True)
    elif state != "tous":
        qs = qs.filter(handled_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def commune_inbox_counts(commune_ids: Iterable[int]) -> dict[str, int]:
    qs = commune_messages(commune_ids).filter(from_commune=False)
    return qs.aggregate(
        non_lus=Count("pk", filter=Q(handled_at__isnull=True, agent_read_at__isnull=True)),
        a_traiter=Count("pk", filter=Q(handled_at__isnull=True)),
    )


def broadcasts(commune_ids: Iterable[int]) -> QuerySet[Broadcast]:
    return Broadcast.objects.filter(commune_id__in=list(commune_ids)).select_related("commune", "sender")[:50]


def failed_emails(commune_ids: Iterable[int]) -> QuerySet[OutboxEmail]:
    return (
        OutboxEmail.objects.filter(famille__commune_id__in=list(commune_ids))
        .filter(Q(status=OutboxEmail.Status.FAILED) | Q(status=OutboxEmail.Status.PENDING, attempts__gt=0))
        .select_related("famille")
        .order_by("-created_at", "-id")
    )
