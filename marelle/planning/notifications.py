"""Notices to families about their planning, through the messaging outbox.

Import direction: planning calls `marelle.messaging.services.notify_many`; messaging never
imports planning. Each notice lands in the family's Boîte de réception and, for every
responsable who chose email for that kind, an outbox row is written in the same
transaction as the planning change; the worker sends it after commit, with retries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from marelle.core.dates import day_format
from marelle.messaging.kinds import Kind
from marelle.messaging.services import Notice, notify_many, notify_many_later

# Above this many families, the notices are written by the worker (one task row in the
# planning change's transaction), so that the agent's answer does not wait for them.
INLINE_NOTICES = 50


def notify_familles(messages: dict[int, tuple[str, str]], *, kind: str) -> None:
    """messages: famille id → (subject, body); one notice per family, written in the caller's
    transaction, or by the worker from a task row written there when there are many."""
    notices = [Notice(famille_id=famille_id, kind=kind, subject=s, body=b) for famille_id, (s, b) in messages.items()]
    if len(notices) > INLINE_NOTICES:
        notify_many_later(notices)
    elif notices:
        notify_many(notices)


def notify_familles_on_commit(messages: dict[int, tuple[str, str]], kind: str = Kind.FERMETURE) -> None:
    """The former name, kept for callers being moved: the notice is now written at once (an
    outbox row in the caller's transaction) and only the email waits for the commit."""
    notify_familles(messages, kind=kind)


def notify_demandes_decided(demandes: Iterable, *, accepted: bool, comment: str) -> None:
    """One notice per family: a family whose demandes were decided together (a bulk decision)
    gets one message listing them, not one per demande."""
    verb = _("acceptée") if accepted else _("refusée")
    by_famille: dict[int, list] = defaultdict(list)
    for d in demandes:
        by_famille[d.famille_id].append(d)
    notices = []
    for famille_id, decided in by_famille.items():
        lines = [
            _("Votre demande de %(kind)s du %(day)s a été %(verb)s.%(comment)s")
            % {
                "kind": d.get_kind_display(),
                "day": day_format(d.created_at.date(), "l j F Y"),
                "verb": verb,
                "comment": "",
            }
            for d in decided
        ]
        body = "\n".join(lines) + (f"\n\n{comment}" if comment else "")
        notices.append(
            Notice(
                famille_id=famille_id,
                kind=Kind.DEMANDE,
                subject=_("Marelle : votre demande a été %(verb)s") % {"verb": verb},
                body=body,
                related=decided[0] if len(decided) == 1 else None,
            )
        )
    if notices:
        notify_many(notices)
