"""The family's own data, for the RGPD right of access and portability (docs/domain.md#personal-data).

Each domain app lists its tables in `marelle/<app>/privacy.py` (`export_tables`, see
privacy/__init__.py); this module reads them, shapes the rows and writes the ZIP. One query per
table, whatever the number of children or planning cells: every table is read with `.values()`
from the family down, never child by child. Password hashes, session data and agents'
private notes are not the family's data and stay out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Choices, QuerySet
from django.utils import timezone

from marelle.audit.services import log_action
from marelle.families.access import records_scope
from marelle.families.models import Famille, Responsable
from marelle.families.privacy import FAMILLE_FIELDS
from marelle.privacy.contributions import providing

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
    source: str  # the contributing module, e.g. "marelle.planning.privacy"
    rows: QuerySet
    fields: tuple[str, ...]
    # field → choices: a `<field>_libelle` column with the label is added next to the code.
    labels: dict[str, type[Choices]] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        columns = []
        for name in self.fields:
            columns.append(name.replace("__", "_"))
            if name in self.labels:
                columns.append(f"{name}_libelle")
        return columns


def tables(famille: Famille, *, responsable: Responsable | None = None) -> dict[str, Table]:
    """Every contributed table of the family's export, in INSTALLED_APPS order (no query)."""
    found: dict[str, Table] = {}
    for module, export_tables in providing("export_tables"):
        for name, spec in export_tables(famille, responsable=responsable).items():
            if name in found or name == "famille":
                raise ImproperlyConfigured(f"{module.__name__}: export table {name!r} is already taken")
            rows, fields, *labels = spec
            found[name] = Table(name, module.__name__, rows, tuple(fields), dict(labels[0]) if labels else {})
    return found


def _plain(value: Any) -> Any:
    """JSON- and CSV-friendly values; times in Europe/Paris as the rest of the portal."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _rows(table: Table) -> list[dict[str, Any]]:
    rows = []
    for values in table.rows.values(*table.fields):
        row: dict[str, Any] = {}
        for name in table.fields:
            value = values[name]
            row[name.replace("__", "_")] = _plain(value)
            choices = table.labels.get(name)
            if choices is not None:
                row[f"{name}_libelle"] = str(dict(choices.choices).get(value, value or ""))
        rows.append(row)
    return rows


def _collect(famille: Famille, responsable: Responsable | None) -> tuple[dict[str, Any], dict[str, Table]]:
    famille_row = Famille.objects.filter(pk=famille.pk).values(*FAMILLE_FIELDS).get()
    data: dict[str, Any] = {"famille": {f.replace("__", "_"): _plain(v) for f, v in famille_row.items()}}
    found = tables(famille, responsable=responsable)
    for table in found.values():
        data[table.name] = _rows(table)
    return data, found


def family_data(famille: Famille, *, responsable: Responsable | None = None) -> dict[str, Any]:
    """Every table of the family's data as plain rows: 1 + len(tables(famille)) queries."""
    return _collect(famille, responsable)[0]


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


def family_export_zip(famille: Famille, *, now: dt.datetime, responsable: Responsable | None = None) -> bytes:
    """A ZIP with donnees.json (everything), one CSV per table, a LISEZMOI.txt and the files."""
    data, found = _collect(famille, responsable)
    generated = timezone.localtime(now)
    payload = {"genere_le": generated.isoformat(), **data}
    files = {"famille.csv": _csv([data["famille"]], list(data["famille"]))}
    for table in found.values():
        files[f"{table.name}.csv"] = _csv(data[table.name], table.columns)
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
        # The files the family uploaded (justificatifs…): each app hands its own, from its rows.
        for module, export_files in providing("export_files"):
            own = {t.name: data[t.name] for t in found.values() if t.source == module.__name__}
            for name, content in export_files(own):
                archive.writestr(name, content)
    return buffer.getvalue()


def export_filename(famille: Famille, *, now: dt.datetime) -> str:
    return f"marelle-famille-{famille.numero}-{timezone.localtime(now):%Y-%m-%d}.zip"


def family_export(*, famille: Famille, actor: Any, now: dt.datetime, responsable: Responsable | None = None) -> bytes:
    """The export a parent downloads; who downloaded what, and when, goes to the audit trail.
    `responsable` is the parent who asked: a separated parent's export leaves out what is the
    other responsable's (families.access.records_scope)."""
    content = family_export_zip(famille, now=now, responsable=records_scope(responsable))
    log_action(obj=famille, action="famille.data_exported", actor=actor, data={"bytes": len(content)})
    return content
