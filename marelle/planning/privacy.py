"""This app's part of the family's RGPD export and of the purge (the contract: marelle/privacy/__init__.py)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from marelle.families.models import Famille, Responsable
from marelle.planning.models import (
    AbsenceReason,
    Cell,
    CellChange,
    CellState,
    ContratRegulier,
    Demande,
    DemandeLine,
    Inscription,
)

logger = logging.getLogger(__name__)


def export_tables(famille: Famille, *, responsable: Responsable | None = None) -> dict[str, tuple]:
    # The children's enrolments and planning are in every responsable's export; a separated
    # parent's leaves out the demandes the other responsable made (their comments, documents).
    demandes = Demande.objects.filter(famille=famille)
    if responsable is not None:
        others = Responsable.objects.filter(famille=famille, user__isnull=False).exclude(pk=responsable.pk)
        demandes = demandes.exclude(created_by__in=others.values("user_id"))
    return {
        "inscriptions": (
            Inscription.objects.filter(enfant__famille=famille).order_by("id"),
            (
                "id",
                "enfant_id",
                "service__name",
                "service__etablissement__name",
                "school_year__label",
                "responsable_id",
                "start_date",
                "end_date",
                "created_at",
            ),
        ),
        "contrats_reguliers": (
            ContratRegulier.objects.filter(inscription__enfant__famille=famille).order_by("id"),
            ("id", "inscription_id", "weekdays", "start_date", "end_date", "created_at"),
        ),
        "demandes": (
            demandes.order_by("id"),
            (
                "id",
                "enfant_id",
                "kind",
                "status",
                "reason",
                "comment",
                "document",
                "created_at",
                "decided_at",
                "agent_comment",
            ),
            {"kind": Demande.Kind, "status": Demande.Status, "reason": AbsenceReason},
        ),
        "demandes_lignes": (
            DemandeLine.objects.filter(demande__in=demandes.values("pk")).order_by("id"),
            ("id", "demande_id", "service__name", "date", "from_state", "to_state"),
            {"from_state": CellState, "to_state": CellState},
        ),
        "planning": (
            Cell.objects.filter(enfant__famille=famille).order_by("enfant_id", "date", "service_id"),
            ("id", "enfant_id", "service__name", "date", "state", "state_since", "demande_id", "arrival", "departure"),
            {"state": CellState},
        ),
        "planning_historique": (
            CellChange.objects.filter(enfant__famille=famille).order_by("id"),
            ("id", "enfant_id", "service__name", "date", "from_state", "to_state", "at", "reason", "demande_id"),
            {"from_state": CellState, "to_state": CellState},
        ),
    }


def export_files(tables: dict[str, list[dict[str, Any]]]) -> list[tuple[str, bytes]]:
    """The justificatifs the family uploaded with its demandes (file reads, no query)."""
    files = []
    for demande in tables["demandes"]:
        path = demande["document"]
        if path and default_storage.exists(path):
            with default_storage.open(path, "rb") as document:
                files.append((f"justificatifs/{demande['id']}-{path.rsplit('/', 1)[-1]}", document.read()))
    return files


def purge(*, enfants: list[int], familles: list[int]) -> None:
    """Justificatifs (medical certificates…) are files: removed once the deletion is committed."""
    documents = list(
        Demande.objects.filter(Q(enfant__in=enfants) | Q(famille__in=familles))
        .exclude(document="")
        .values_list("document", flat=True)
    )
    transaction.on_commit(lambda: _delete_files(documents))


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("purge_departed: could not delete %s", name)
