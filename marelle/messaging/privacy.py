"""This app's part of the family's RGPD export (the contract: marelle/privacy/__init__.py)."""

from __future__ import annotations

from django.db.models import Q

from marelle.families.models import Famille, Responsable
from marelle.messaging.selectors import visible_to


def export_tables(famille: Famille, *, responsable: Responsable | None = None) -> dict[str, tuple]:
    messages = visible_to(famille, responsable)
    if responsable is not None:
        # A separated parent's: without the notices addressed to the other responsable, nor
        # the conversations the other responsable started.
        others = Responsable.objects.filter(famille=famille, user__isnull=False).exclude(pk=responsable.pk)
        users = others.values("user_id")
        messages = messages.exclude(Q(sender__in=users) | Q(thread__sender__in=users))
    return {
        "messages": (
            messages.order_by("created_at", "id"),
            ("id", "subject", "body", "from_commune", "created_at", "read_at"),
        ),
    }
