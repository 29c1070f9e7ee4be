"""This app's part of the family's RGPD export (the contract: marelle/privacy/__init__.py)."""

from __future__ import annotations

from marelle.families.models import Famille, Responsable
from marelle.messaging.models import Message


def export_tables(famille: Famille, *, responsable: Responsable | None = None) -> dict[str, tuple]:
    return {
        "messages": (
            Message.objects.filter(famille=famille).order_by("created_at", "id"),
            ("id", "subject", "body", "from_commune", "created_at", "read_at"),
        ),
    }
