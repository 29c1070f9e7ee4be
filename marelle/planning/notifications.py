"""Emails to families about their planning, always sent after the data is committed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from marelle.families.models import Responsable


def notify_familles_on_commit(messages: dict[int, tuple[str, str]]) -> None:
    """messages: famille id → (subject, body). One email per responsable who wants them."""
    if not messages:
        return

    def send() -> None:
        recipients: dict[int, list[str]] = {}
        for famille_id, email in (
            Responsable.objects.filter(famille_id__in=messages.keys(), notify_by_email=True)
            .exclude(email="")
            .values_list("famille_id", "email")
        ):
            recipients.setdefault(famille_id, []).append(email)
        datatuple: Iterable = (
            (subject, body, settings.DEFAULT_FROM_EMAIL, recipients[famille_id])
            for famille_id, (subject, body) in messages.items()
            if recipients.get(famille_id)
        )
        send_mass_mail(tuple(datatuple), fail_silently=True)

    transaction.on_commit(send)
