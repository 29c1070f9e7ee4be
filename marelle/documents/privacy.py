"""This app's part of the family's RGPD export and purge (the contract: marelle/privacy/__init__.py)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from marelle.documents.models import FamilyDocument
from marelle.documents.selectors import family_documents
from marelle.documents.storage import private_storage
from marelle.families.models import Famille, Responsable

logger = logging.getLogger(__name__)


def export_tables(famille: Famille, *, responsable: Responsable | None = None) -> dict[str, tuple]:
    return {
        "documents": (
            # A separated parent's: not what the other responsable sent.
            family_documents(famille, responsable).order_by("uploaded_at", "id"),
            ("id", "kind", "file", "extension", "original_name", "comment", "uploaded_at", "status", "refusal_reason"),
            {"kind": FamilyDocument.Kind, "status": FamilyDocument.Status},
        ),
    }


def export_files(tables: dict[str, list[dict[str, Any]]]) -> list[tuple[str, bytes]]:
    """The documents the family sent (file reads, no query)."""
    storage = private_storage()
    files = []
    for document in tables.get("documents", []):
        name = document["file"]
        if name and storage.exists(name):
            with storage.open(name, "rb") as handle:
                files.append((f"documents/{document['id']}-{document['kind']}.{document['extension']}", handle.read()))
    return files


def purge(*, enfants: list[int], familles: list[int]) -> None:
    """The rows go with their family (CASCADE); their files once the deletion is committed."""
    names = list(FamilyDocument.objects.filter(famille__in=familles).values_list("file", flat=True))
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("purge_departed: could not delete %s", name)
