"""Every write on documents: validated, stored and audited in one transaction.

A file is checked (content type, size) before anything is written; if the row cannot be
saved, the file just stored is removed again, so that a refused upload leaves nothing.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from marelle.audit.services import log_action
from marelle.core.dates import out_of_range, out_of_range_message
from marelle.documents.models import FamilyDocument, PublishedDocument
from marelle.documents.validators import validate_document
from marelle.families.models import Famille, Responsable
from marelle.messaging.kinds import Kind
from marelle.messaging.services import notify
from marelle.territory.models import Commune, Etablissement

MAX_REASON = 1000


def published_document_create(
    *,
    commune: Commune,
    etablissement: Etablissement | None,
    kind: str,
    title: str,
    upload,
    valid_from: dt.date,
    valid_until: dt.date | None,
    actor,
    now: dt.datetime,
) -> PublishedDocument:
    """Publish a document for the commune's families, or for one of its schools' families."""
    errors: dict[str, list[str]] = {}
    if etablissement is not None and etablissement.commune_id != commune.pk:
        errors["etablissement"] = [_("Cette école n'est pas dans la commune choisie.")]
    if kind not in PublishedDocument.Kind.values:
        errors["kind"] = [_("Type de document inconnu.")]
    if not title.strip():
        errors["title"] = [_("Donnez un titre au document.")]
    if out_of_range(valid_from, valid_until):
        errors["valid_from"] = [out_of_range_message()]
    elif valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [_("La fin de validité est avant son début.")]
    try:
        extension = validate_document(upload)
    except ValidationError as exc:
        errors["file"] = exc.messages
    if errors:
        raise ValidationError(errors)
    document = PublishedDocument(
        commune=commune,
        etablissement=etablissement,
        kind=kind,
        title=title.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        published_by=actor,
        published_at=now,
    )
    with _stored(document, upload, extension):
        document.save()
        log_action(
            obj=document,
            action="document.published",
            actor=actor,
            data={
                "title": document.title,
                "kind": kind,
                "commune": commune.pk,
                "etablissement": etablissement.pk if etablissement else None,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None,
            },
        )
    return document


@transaction.atomic
def published_document_withdraw(*, document: PublishedDocument, actor) -> None:
    """Remove a published document; its file goes once the removal is committed."""
    name, storage = document.file.name, document.file.storage
    log_action(obj=document, action="document.withdrawn", actor=actor, data={"title": document.title})
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


def family_document_upload(
    *,
    famille: Famille,
    responsable: Responsable | None,
    kind: str,
    upload,
    comment: str = "",
    actor,
    now: dt.datetime,
) -> FamilyDocument:
    """A parent sends a document; it waits for an agent to validate or refuse it."""
    errors: dict[str, list[str]] = {}
    if kind not in FamilyDocument.Kind.values:
        errors["kind"] = [_("Type de document inconnu.")]
    if responsable is not None and responsable.famille_id != famille.pk:
        errors["kind"] = [_("Ce responsable n'est pas de cette famille.")]
    try:
        extension = validate_document(upload)
    except ValidationError as exc:
        errors["file"] = exc.messages
    if errors:
        raise ValidationError(errors)
    document = FamilyDocument(
        famille=famille,
        responsable=responsable,
        kind=kind,
        original_name=(getattr(upload, "name", "") or "")[-200:],
        comment=comment.strip()[:500],
        uploaded_by=actor,
        uploaded_at=now,
    )
    with _stored(document, upload, extension):
        document.save()
        log_action(
            obj=document,
            action="document_famille.uploaded",
            actor=actor,
            data={"kind": kind, "famille": famille.pk, "size": document.size, "extension": extension},
        )
    return document


def family_document_decide(
    *, document: FamilyDocument, validate: bool, reason: str = "", actor, now: dt.datetime
) -> FamilyDocument:
    """Validate, or refuse with a reason the parent reads. A document already decided is
    left as it is (a second click, or two agents at once, change nothing)."""
    reason = reason.strip()
    if not validate and not reason:
        raise ValidationError({"reason": [_("Indiquez le motif du refus : la famille le lira.")]})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": [_("Le motif est trop long (%(n)d caractères au plus).") % {"n": MAX_REASON}]})
    with transaction.atomic():
        locked = FamilyDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status != FamilyDocument.Status.PENDING:
            return locked
        locked.status = FamilyDocument.Status.VALIDATED if validate else FamilyDocument.Status.REFUSED
        locked.refusal_reason = "" if validate else reason
        locked.decided_by = actor
        locked.decided_at = now
        locked.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
        log_action(
            obj=locked,
            action="document_famille.validated" if validate else "document_famille.refused",
            actor=actor,
            data={"kind": locked.kind, "famille": locked.famille_id, **({} if validate else {"reason": reason})},
        )
        _notify_decision(locked)
    return locked


def _notify_decision(document: FamilyDocument) -> None:
    """The family reads the decision in its inbox (and by email, as each responsable chose),
    written in the decision's transaction."""
    kind = document.get_kind_display()
    if document.status == FamilyDocument.Status.VALIDATED:
        subject = _("Document validé : %(kind)s") % {"kind": kind}
        body = _("La mairie a validé votre document « %(kind)s » envoyé le %(day)s.")
    else:
        subject = _("Document refusé : %(kind)s") % {"kind": kind}
        body = _(
            "La mairie a refusé votre document « %(kind)s » envoyé le %(day)s.\n\nMotif : %(reason)s\n\n"
            "Vous pouvez en envoyer un autre depuis Infos/Documents."
        )
    day = formats.date_format(timezone.localtime(document.uploaded_at), "j F Y")
    notify(
        famille=document.famille,
        kind=Kind.DOCUMENT,
        subject=subject,
        body=body % {"kind": kind, "day": day, "reason": document.refusal_reason},
        related=document,
    )


@contextmanager
def _stored(document, upload, extension: str):
    """Write the file under a random name, then (in the block) the row and its audit line,
    all in one transaction; if anything in the block fails, the file is deleted again."""
    document.extension = extension
    document.size = upload.size
    upload.seek(0)
    try:
        with transaction.atomic():
            document.file.save("upload", upload, save=False)
            yield
    except BaseException:
        if document.file.name and document.file.storage.exists(document.file.name):
            document.file.storage.delete(document.file.name)
        raise
