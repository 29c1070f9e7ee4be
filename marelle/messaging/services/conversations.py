"""Messages written by people: an agent to a family or a group, a family to its mairie,
and the replies that thread under them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from marelle.audit.services import log_action
from marelle.core.text import MESSAGE_MAX_CHARS, too_long_message
from marelle.families.models import Famille, Responsable
from marelle.messaging.kinds import Kind
from marelle.messaging.models import Attachment, Broadcast, Message
from marelle.messaging.services.notify import queue_emails
from marelle.messaging.storage import attachment_storage, random_name
from marelle.territory.models import Commune, Etablissement

MAX_ATTACHMENTS = 5


class MessagingError(ValidationError):
    """Bad input for a message: the view shows the French text, nothing is saved."""


def message_mark_read(*, message: Message, now: dt.datetime) -> None:
    """Mark a commune's message read; conditional so that two tabs opening it write once."""
    if message.from_commune and message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
        message.read_at = now


def agent_mark_read(*, message: Message, now: dt.datetime) -> None:
    """The commune opened a family's message (non lu → lu)."""
    if not message.from_commune and message.agent_read_at is None:
        Message.objects.filter(pk=message.pk, agent_read_at__isnull=True).update(agent_read_at=now)
        message.agent_read_at = now


def message_mark_handled(*, message: Message, actor, now: dt.datetime, handled: bool = True) -> None:
    """A family's message is traité (or back to à traiter)."""
    if message.from_commune:
        raise MessagingError(_("Seuls les messages des familles se traitent."))
    with transaction.atomic():
        if handled:
            changed = Message.objects.filter(pk=message.pk, handled_at__isnull=True).update(
                handled_at=now, handled_by=actor, agent_read_at=message.agent_read_at or now
            )
        else:
            changed = Message.objects.filter(pk=message.pk, handled_at__isnull=False).update(
                handled_at=None, handled_by=None
            )
        if changed:
            log_action(
                obj=message,
                action="message.handled" if handled else "message.reopened",
                actor=actor,
                data={"subject": message.subject},
            )
    message.refresh_from_db()


def _clean_text(subject: str | None, body: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    subject = (subject or "").strip()
    body = (body or "").strip()
    if not subject:
        errors.setdefault("subject", []).append(_("Indiquez l'objet du message."))
    if len(subject) > 200:
        errors.setdefault("subject", []).append(_("L'objet ne dépasse pas 200 caractères."))
    if not body:
        errors.setdefault("body", []).append(_("Le message est vide."))
    if len(body) > MESSAGE_MAX_CHARS:
        errors.setdefault("body", []).append(too_long_message(MESSAGE_MAX_CHARS, len(body)))
    if errors:
        raise MessagingError(errors)
    return subject, body


def _store_files(files: Sequence) -> list[tuple[str, str, str, int]]:
    """Check every file by its content first, then store them: (name, original, type, size)."""
    # The one upload check shared with documents (type by content, size); imported here
    # so that messaging's models do not need the documents app loaded.
    from marelle.documents.validators import CONTENT_TYPES, validate_document

    files = [f for f in files if f]
    if len(files) > MAX_ATTACHMENTS:
        raise MessagingError({"files": [_("Pas plus de %(n)s pièces jointes.") % {"n": MAX_ATTACHMENTS}]})
    checked = []
    for upload in files:
        try:
            extension = validate_document(upload)
        except ValidationError as exc:
            raise MessagingError({"files": [f"{upload.name} : {m}" for m in exc.messages]}) from None
        checked.append((upload, extension))
    storage = attachment_storage()
    stored = []
    for upload, extension in checked:
        upload.seek(0)
        name = storage.save(random_name(extension), upload)
        stored.append((name, upload.name[:255], CONTENT_TYPES[extension], upload.size))
    return stored


def _delete_files(stored) -> None:
    storage = attachment_storage()
    for name, *_rest in stored:
        storage.delete(name)


def _attach(messages: Sequence[Message], stored) -> None:
    Attachment.objects.bulk_create(
        Attachment(message=m, file=name, original_name=original, content_type=content_type, size=size)
        for m in messages
        for name, original, content_type, size in stored
    )


def _reply_subject(subject: str) -> str:
    return subject if subject.lower().startswith("re :") or subject.lower().startswith("re:") else f"Re : {subject}"


def family_write(
    *, responsable: Responsable, subject: str, body: str, files: Sequence = (), now: dt.datetime
) -> Message:
    """Écrire à la mairie: a new conversation from the family to its commune."""
    subject, body = _clean_text(subject, body)
    stored = _store_files(files)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                famille_id=responsable.famille_id,
                kind=Kind.MESSAGE,
                subject=subject,
                body=body,
                from_commune=False,
                sender=responsable.user,
            )
            _attach([message], stored)
    except Exception:
        _delete_files(stored)
        raise
    return message


def family_reply(
    *, responsable: Responsable, message: Message, body: str, files: Sequence = (), now: dt.datetime
) -> Message:
    """Répondre: the family's answer threads under the conversation's first message."""
    root = message.root
    if root.famille_id != responsable.famille_id:
        raise MessagingError(_("Ce message n'est pas le vôtre."))
    _subject, body = _clean_text(root.subject, body)
    stored = _store_files(files)
    try:
        with transaction.atomic():
            reply = Message.objects.create(
                famille_id=root.famille_id,
                kind=Kind.MESSAGE,
                subject=_reply_subject(root.subject)[:200],
                body=body,
                from_commune=False,
                sender=responsable.user,
                thread=root,
            )
            _attach([reply], stored)
    except Exception:
        _delete_files(stored)
        raise
    return reply


def agent_reply(*, actor, message: Message, body: str, files: Sequence = (), now: dt.datetime) -> Message:
    """The commune answers a conversation: the family gets it (and an email as chosen); the
    family's messages in the conversation become traité."""
    root = message.root
    _subject, body = _clean_text(root.subject, body)
    stored = _store_files(files)
    try:
        with transaction.atomic():
            reply = Message.objects.create(
                famille_id=root.famille_id,
                kind=Kind.MESSAGE,
                subject=_reply_subject(root.subject)[:200],
                body=body,
                from_commune=True,
                sender=actor,
                thread=root,
            )
            _attach([reply], stored)
            Message.objects.filter(Q(pk=root.pk) | Q(thread=root), from_commune=False, handled_at__isnull=True).update(
                handled_at=now, handled_by=actor, agent_read_at=now
            )
            log_action(obj=reply, action="message.sent", actor=actor, data={"subject": reply.subject})
            queue_emails([reply], now=now)
    except Exception:
        _delete_files(stored)
        raise
    return reply


def broadcast_send(
    *,
    actor,
    commune: Commune,
    audience: str,
    audience_label: str,
    famille_ids: Sequence[int],
    subject: str,
    body: str,
    files: Sequence = (),
    etablissement: Etablissement | None = None,
    now: dt.datetime,
) -> Broadcast:
    """An agent's message to one family or a group: one Message per family of `commune`
    among `famille_ids` (ids of other communes are ignored), each with its read state."""
    if audience not in Broadcast.Audience.values:
        raise MessagingError({"audience": [_("Choisissez les destinataires.")]})
    subject, body = _clean_text(subject, body)
    ids = sorted(set(Famille.objects.filter(commune=commune, pk__in=list(famille_ids)).values_list("pk", flat=True)))
    if not ids:
        raise MessagingError({"audience": [_("Aucune famille ne correspond à ces destinataires.")]})
    stored = _store_files(files)
    try:
        with transaction.atomic():
            broadcast = Broadcast.objects.create(
                commune=commune,
                audience=audience,
                audience_label=audience_label[:255],
                etablissement=etablissement,
                subject=subject,
                body=body,
                sender=actor,
                recipients=len(ids),
                created_at=now,
            )
            messages = Message.objects.bulk_create(
                Message(
                    famille_id=famille_id,
                    kind=Kind.MESSAGE,
                    subject=subject,
                    body=body,
                    from_commune=True,
                    sender=actor,
                    broadcast=broadcast,
                )
                for famille_id in ids
            )
            _attach(messages, stored)
            log_action(
                obj=commune,
                action="message.sent",
                actor=actor,
                data={"subject": subject, "broadcast": broadcast.pk, "audience": audience, "recipients": len(ids)},
            )
            queue_emails(messages, now=now)
    except Exception:
        _delete_files(stored)
        raise
    return broadcast
