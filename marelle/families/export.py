"""The family's own data, for the RGPD right of access and portability (SPEC §6, §8).

One query per table, whatever the number of children or planning cells: every table is
read with `.values()` from the family down, never child by child. Password hashes, session
data and agents' private notes are not the family's data and stay out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Choices, QuerySet
from django.utils import timezone

from marelle.audit.services import log_action
from marelle.billing.models import Facture, Payment
from marelle.families.models import Enfant, Famille, Responsable
from marelle.messaging.models import Message
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

README = """Données de la famille {numero} — export Marelle du {generated}

donnees.json contient tout ; chaque fichier .csv reprend une table (séparateur « ; »,
encodage UTF-8, s'ouvre dans un tableur). Les dates sont au format AAAA-MM-JJ, les heures
en heure de Paris. Les états et types sont donnés en code et en clair (colonnes *_libelle).

Fichiers : {files} ; le dossier justificatifs/ contient les pièces jointes
à vos demandes (le nom commence par le numéro de la demande).

Pour corriger une donnée, utilisez « Mon compte » ou écrivez à votre mairie.
"""


@dataclass(frozen=True)
class Table:
    name: str
    rows: Callable[[Famille], QuerySet]
    fields: tuple[str, ...]
    # field → choices: a `<field>_libelle` column with the label is added next to the code.
    labels: tuple[tuple[str, type[Choices]], ...] = ()


FAMILLE_FIELDS = (
    "id",
    "numero",
    "commune__name",
    "address",
    "postal_code",
    "city",
    "phone",
    "email",
    "quotient_familial",
    "qf_valid_from",
    "qf_valid_until",
    "direct_debit",
    "iban",
    "bic",
    "mandate_reference",
    "mandate_signed_on",
    "created_at",
)

TABLES: tuple[Table, ...] = (
    Table(
        "responsables",
        lambda famille: Responsable.objects.filter(famille=famille).order_by("id"),
        # The login's identifiant and dates, never its password hash.
        (
            "id",
            "civilite",
            "nom",
            "prenom",
            "email",
            "phone",
            "notify_by_email",
            "user__username",
            "user__date_joined",
            "user__last_login",
        ),
    ),
    Table(
        "enfants",
        lambda famille: Enfant.objects.filter(famille=famille).order_by("id"),
        (
            "id",
            "nom",
            "prenom",
            "birth_date",
            "birth_place",
            "etablissement__name",
            "classe",
            "allergies",
            "pai",
            "authorized_pickup",
            "photo_consent",
            "left_on",
        ),
    ),
    Table(
        "inscriptions",
        lambda famille: Inscription.objects.filter(enfant__famille=famille).order_by("id"),
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
    Table(
        "contrats_reguliers",
        lambda famille: ContratRegulier.objects.filter(inscription__enfant__famille=famille).order_by("id"),
        ("id", "inscription_id", "weekdays", "start_date", "end_date", "created_at"),
    ),
    Table(
        "demandes",
        lambda famille: Demande.objects.filter(famille=famille).order_by("id"),
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
        (("kind", Demande.Kind), ("status", Demande.Status), ("reason", AbsenceReason)),
    ),
    Table(
        "demandes_lignes",
        lambda famille: DemandeLine.objects.filter(demande__famille=famille).order_by("id"),
        ("id", "demande_id", "service__name", "date", "from_state", "to_state"),
        (("from_state", CellState), ("to_state", CellState)),
    ),
    Table(
        "planning",
        lambda famille: Cell.objects.filter(enfant__famille=famille).order_by("enfant_id", "date", "service_id"),
        ("id", "enfant_id", "service__name", "date", "state", "state_since", "demande_id", "arrival", "departure"),
        (("state", CellState),),
    ),
    Table(
        "planning_historique",
        lambda famille: CellChange.objects.filter(enfant__famille=famille).order_by("id"),
        ("id", "enfant_id", "service__name", "date", "from_state", "to_state", "at", "reason", "demande_id"),
        (("from_state", CellState), ("to_state", CellState)),
    ),
    Table(
        "factures",
        lambda famille: Facture.objects.filter(famille=famille).order_by("issued_on", "id"),
        ("id", "number", "responsable_id", "issued_on", "due_on", "total", "status"),
        (("status", Facture.Status),),
    ),
    Table(
        "paiements",
        lambda famille: Payment.objects.filter(famille=famille).order_by("received_on", "id"),
        ("id", "facture__number", "amount", "received_on", "method"),
        (("method", Payment.Method),),
    ),
    Table(
        "messages",
        lambda famille: Message.objects.filter(famille=famille).order_by("created_at", "id"),
        ("id", "subject", "body", "from_commune", "created_at", "read_at"),
    ),
)


def _plain(value: Any) -> Any:
    """JSON- and CSV-friendly values; times in Europe/Paris as the rest of the portal."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _rows(table: Table, famille: Famille) -> list[dict[str, Any]]:
    labels = dict(table.labels)
    rows = []
    for values in table.rows(famille).values(*table.fields):
        row: dict[str, Any] = {}
        for field in table.fields:
            value = values[field]
            row[field.replace("__", "_")] = _plain(value)
            choices = labels.get(field)
            if choices is not None:
                row[f"{field}_libelle"] = str(dict(choices.choices).get(value, value or ""))
        rows.append(row)
    return rows


def family_data(famille: Famille) -> dict[str, Any]:
    """Every table of the family's data as plain rows: 1 + len(TABLES) queries."""
    famille_row = Famille.objects.filter(pk=famille.pk).values(*FAMILLE_FIELDS).get()
    data: dict[str, Any] = {"famille": {f.replace("__", "_"): _plain(v) for f, v in famille_row.items()}}
    for table in TABLES:
        data[table.name] = _rows(table, famille)
    return data


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula (a message "=HYPERLINK(…)") stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    # A BOM and ";" so that a French spreadsheet opens it with accents and columns right.
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def _columns(table: Table) -> list[str]:
    labels = dict(table.labels)
    columns = []
    for field in table.fields:
        columns.append(field.replace("__", "_"))
        if field in labels:
            columns.append(f"{field}_libelle")
    return columns


def family_export_zip(famille: Famille, *, now: dt.datetime) -> bytes:
    """A ZIP with donnees.json (everything), one CSV per table and a LISEZMOI.txt."""
    data = family_data(famille)
    generated = timezone.localtime(now)
    payload = {"genere_le": generated.isoformat(), **data}
    files = {"famille.csv": _csv([data["famille"]], list(data["famille"]))}
    for table in TABLES:
        files[f"{table.name}.csv"] = _csv(data[table.name], _columns(table))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        readme = README.format(
            numero=famille.numero,
            generated=generated.strftime("%d/%m/%Y %H:%M"),
            files=", ".join(["donnees.json", *files]),
        )
        archive.writestr("LISEZMOI.txt", readme)
        archive.writestr("donnees.json", json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        for name, content in files.items():
            archive.writestr(name, content)
        # The justificatifs the family uploaded with its demandes (file reads, no query).
        for demande in data["demandes"]:
            path = demande["document"]
            if path and default_storage.exists(path):
                with default_storage.open(path, "rb") as document:
                    archive.writestr(f"justificatifs/{demande['id']}-{path.rsplit('/', 1)[-1]}", document.read())
    return buffer.getvalue()


def export_filename(famille: Famille, *, now: dt.datetime) -> str:
    return f"marelle-famille-{famille.numero}-{timezone.localtime(now):%Y-%m-%d}.zip"


def family_export(*, famille: Famille, actor: Any, now: dt.datetime) -> bytes:
    """The export a parent downloads; who downloaded what, and when, goes to the audit trail."""
    content = family_export_zip(famille, now=now)
    log_action(obj=famille, action="famille.data_exported", actor=actor, data={"bytes": len(content)})
    return content
