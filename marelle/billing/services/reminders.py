"""Reminders of overdue invoices: one notice (inbox, and email as the payer chose) per
invoice still owing after its due date, addressed to its payer. An invoice reminded less
than REMINDER_INTERVAL_DAYS ago is not reminded again, so a second click sends nothing twice."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from marelle.audit.models import LogEntry
from marelle.billing.formatting import money
from marelle.billing.models import Facture
from marelle.billing.selectors import _open_invoices
from marelle.messaging.kinds import Kind
from marelle.messaging.services.notify import Notice, notify_many

REMINDER_INTERVAL_DAYS = 7
ACTION = "facture.reminder_sent"


def overdue(factures: QuerySet[Facture], *, today: dt.date) -> QuerySet[Facture]:
    """Issued invoices still owing whose due date is past (annotated with `remaining`)."""
    return _open_invoices(factures.filter(due_on__lt=today)).order_by("due_on", "number")


def reminders_send(*, factures: QuerySet[Facture], today: dt.date, now: dt.datetime, actor) -> int:
    """Remind every overdue invoice of `factures` (already scoped) not reminded recently;
    returns how many reminders went out."""
    content_type = ContentType.objects.get_for_model(Facture)
    with transaction.atomic():
        due = list(overdue(factures, today=today).select_related("famille", "responsable"))
        recent = set(
            LogEntry.objects.filter(
                content_type=content_type,
                action=ACTION,
                object_id__in=[str(f.pk) for f in due],
                at__gte=now - dt.timedelta(days=REMINDER_INTERVAL_DAYS),
            ).values_list("object_id", flat=True)
        )
        due = [f for f in due if str(f.pk) not in recent]
        with translation.override("fr"):  # the notice is written for the family, in French
            notices = [
                Notice(
                    famille_id=f.famille_id,
                    responsable_id=f.responsable_id,
                    kind=Kind.RELANCE,
                    subject=_("Relance : facture %(number)s à régler") % {"number": f.number},
                    body=_(
                        "Bonjour,\n\nla facture %(number)s du %(issued)s, échue le %(due)s, reste à régler : "
                        "%(remaining)s. Vous pouvez la payer en ligne depuis votre portail famille "
                        "(Accueil ou Relevé de compte), ou à la mairie.\n\nSi vous l'avez réglée entre-temps, "
                        "ne tenez pas compte de ce message."
                    )
                    % {
                        "number": f.number,
                        "issued": f.issued_on.strftime("%d/%m/%Y"),
                        "due": f.due_on.strftime("%d/%m/%Y"),
                        "remaining": money(f.remaining),
                    },
                    related=f,
                )
                for f in due
            ]
        notify_many(notices)
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        LogEntry.objects.bulk_create(
            LogEntry(
                content_type=content_type,
                object_id=str(f.pk),
                action=ACTION,
                actor_id=actor_id,
                data={"number": f.number, "remaining": str(f.remaining)},
            )
            for f in due
        )
    return len(due)
