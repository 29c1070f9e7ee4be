"""A responsable's notification choices, per kind: inbox only, or inbox and email
(Mon compte). Written for the account page; the rows are NotificationPreference."""

from __future__ import annotations

from django.db import transaction

from marelle.audit.services import log_action
from marelle.families.models import Responsable
from marelle.messaging.kinds import CHOOSABLE_KINDS, Kind
from marelle.messaging.models import NotificationPreference


def notification_choices(responsable: Responsable) -> dict[str, bool]:
    """kind → by email, for every choosable kind (no row: inbox and email)."""
    stored = dict(NotificationPreference.objects.filter(responsable=responsable).values_list("kind", "by_email"))
    master = responsable.notify_by_email
    return {kind: master and stored.get(kind, True) for kind in CHOOSABLE_KINDS}


def choosable_kinds() -> list[tuple[str, str]]:
    return [(kind, Kind(kind).label) for kind in CHOOSABLE_KINDS]


def notification_choices_save(*, responsable: Responsable, by_email: dict[str, bool], actor) -> dict[str, bool]:
    """Store the choices of every kind given; `notify_by_email` (the responsable's master
    switch, read by the outbox) follows: on as soon as one kind goes by email."""
    unknown = set(by_email) - set(CHOOSABLE_KINDS)
    if unknown:
        raise ValueError(f"unknown notification kinds {sorted(unknown)}")
    with transaction.atomic():
        before = notification_choices(responsable)
        after = {**before, **by_email}
        for kind, value in by_email.items():
            NotificationPreference.objects.update_or_create(
                responsable=responsable, kind=kind, defaults={"by_email": value}
            )
        master = any(after.values())
        if responsable.notify_by_email != master:
            Responsable.objects.filter(pk=responsable.pk).update(notify_by_email=master)
            responsable.notify_by_email = master
        changes = {kind: [before[kind], after[kind]] for kind in after if before[kind] != after[kind]}
        if changes:
            log_action(obj=responsable, action="notifications.choices_updated", actor=actor, data={"changes": changes})
    return after
