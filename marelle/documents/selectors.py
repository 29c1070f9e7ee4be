"""Reads of documents shaped for a screen. Parent reads start from the family; agent reads
are handed a queryset already scoped to the agent's communes (backoffice.scoping)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from marelle.documents.models import FamilyDocument, PublishedDocument
from marelle.families.models import Famille, Responsable
from marelle.planning.models import Demande


def school_ids(famille: Famille) -> list[int]:
    """The schools of the family's children still attending."""
    return list(
        famille.enfants.filter(left_on__isnull=True, etablissement__isnull=False)
        .values_list("etablissement_id", flat=True)
        .distinct()
    )


def published_for_famille(famille: Famille, day: dt.date) -> QuerySet[PublishedDocument]:
    """What the commune publishes for this family on `day`: the commune-wide documents and
    those of its children's schools, valid that day."""
    return (
        PublishedDocument.objects.filter(commune_id=famille.commune_id, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .filter(Q(etablissement__isnull=True) | Q(etablissement_id__in=school_ids(famille)))
        .select_related("etablissement")
    )


def published_document_for_famille(famille: Famille, pk: int, day: dt.date) -> PublishedDocument | None:
    return published_for_famille(famille, day).filter(pk=pk).first()


@dataclass(frozen=True)
class FamilyDocumentRow:
    """One line of the family's documents: sent from the documents page or attached to an
    absence (read-only here: it lives on its demande)."""

    kind: str
    label: str
    at: dt.datetime
    status: str  # FamilyDocument.Status value, or "" for an absence's justificatif
    status_label: str
    refusal_reason: str
    url_name: str
    pk: int
    read_only: bool


def family_documents(famille: Famille, responsable: Responsable | None = None) -> QuerySet[FamilyDocument]:
    """The family's uploads; with `responsable` (families.access.records_scope: a separated
    parent), not those the other responsable sent."""
    documents = FamilyDocument.objects.filter(famille=famille)
    if responsable is not None:
        documents = documents.filter(Q(responsable=responsable) | Q(responsable__isnull=True))
    return documents


def absence_justificatifs(famille: Famille, responsable: Responsable | None = None) -> QuerySet[Demande]:
    """The family's demandes that carry a supporting document (e.g. a certificat médical);
    with `responsable`, not those the other responsable made."""
    demandes = Demande.objects.filter(famille=famille).exclude(document="")
    if responsable is not None:
        others = Responsable.objects.filter(famille=famille, user__isnull=False).exclude(pk=responsable.pk)
        demandes = demandes.exclude(created_by__in=others.values("user_id"))
    return demandes.select_related("enfant").order_by("-created_at")


def family_document_rows(famille: Famille, responsable: Responsable | None = None) -> list[FamilyDocumentRow]:
    """The family's documents, newest first: uploads with their status, then absences'
    justificatifs shown read-only (a separated parent's own: see `family_documents`)."""
    rows = [
        FamilyDocumentRow(
            kind=d.kind,
            label=d.get_kind_display(),
            at=d.uploaded_at,
            status=d.status,
            status_label=d.get_status_display(),
            refusal_reason=d.refusal_reason,
            url_name="portal:document_famille",
            pk=d.pk,
            read_only=False,
        )
        for d in family_documents(famille, responsable)
    ]
    rows += [
        FamilyDocumentRow(
            kind="justificatif",
            label=_("Justificatif d'absence — %(child)s") % {"child": d.enfant.prenom},
            at=d.created_at,
            status="",
            status_label=_("joint à la demande d'absence (%(status)s)") % {"status": d.get_status_display()},
            refusal_reason="",
            url_name="portal:document_justificatif",
            pk=d.pk,
            read_only=True,
        )
        for d in absence_justificatifs(famille, responsable)
    ]
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows


def pending_first(documents: QuerySet[FamilyDocument]) -> QuerySet[FamilyDocument]:
    """Agent's list: documents to check first (oldest first), then decided ones (newest first)."""
    return documents.annotate(
        decided=Case(
            When(status=FamilyDocument.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("decided", "-decided_at", "uploaded_at")
