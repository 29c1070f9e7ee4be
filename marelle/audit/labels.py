"""The audit vocabulary: every app's action codes with their labels, and how an entry reads.

An audit line stores a stable dotted code (`famille.updated`, `facture.issued`) and
structured data; nothing translated is stored. Each app declares its codes in
`marelle/<app>/audit_actions.py`:

    from django.utils.translation import gettext_lazy as _
    ACTIONS = {"facture.issued": _("Facture émise n° %(numero)s")}

A label may name keys of the entry's data (`%(numero)s`); they are filled in when the
entry is read, in the reader's language. An app's `DATA_FORMATS` ({key: function}) says how
some keys of its codes' data read (billing's amounts as money, "86,70 €" or "€86.70"). Rows written before the vocabulary (a French
sentence as the action) are shown as they were stored.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

MODULE = "audit_actions"
EMPTY = "—"


@functools.cache
def registry() -> dict[str, Promise | str]:
    """Every declared code with its (lazy) label, from each installed app's `audit_actions`.

    Cached: the modules are imported once; the labels stay lazy, so each reader still gets
    their own language."""
    actions: dict[str, Promise | str] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.{MODULE}"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for code, label in getattr(module, "ACTIONS", {}).items():
            actions.setdefault(code, label)
    return actions


@functools.cache
def data_formats() -> dict[str, Mapping[str, Callable[[Any], str]]]:
    """Code → how some keys of its data read, from the `DATA_FORMATS` of the app declaring it."""
    formats: dict[str, Mapping[str, Callable[[Any], str]]] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.{MODULE}"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for code in getattr(module, "ACTIONS", {}):
            formats.setdefault(code, getattr(module, "DATA_FORMATS", {}))
    return formats


def action_label(code: str, data: Mapping[str, Any] | None = None) -> str:
    """The label of `code` in the active language, with the entry's data filled in.

    An unknown code (an old row holding a French sentence) is returned as it is."""
    label = registry().get(code)
    if label is None:
        return code
    text = str(label)
    if isinstance(data, Mapping) and "%(" in text:
        try:
            return text % _Defaulting(data, formats=data_formats().get(code, {}))
        except (TypeError, ValueError):
            return text
    return text


class _Defaulting(dict):
    """Data for a label: ISO dates read in the reader's format, keys the app formats (an
    amount) formatted, and a key that an older row lacks reads as a dash, not a crash."""

    def __init__(self, data: Mapping[str, Any], formats: Mapping[str, Callable[[Any], str]] | None = None):
        super().__init__(data)
        self.formats = formats or {}

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if key in self.formats and value not in (None, ""):
            try:
                return self.formats[key](value)
            except (ArithmeticError, TypeError, ValueError):  # an odd old value reads as stored
                return value
        if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
            try:
                return date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
            except ValueError:
                return value
        if value is None or value == "":
            return EMPTY
        return value

    def __missing__(self, key: str) -> str:
        return EMPTY


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class RenderedEntry:
    at: dt.datetime
    actor: Any
    code: str
    label: str
    changes: list[ChangeLine]


def render_entry(entry) -> RenderedEntry:
    """A LogEntry as an agent reads it: its label and its changes, before → after."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    return RenderedEntry(
        at=entry.at,
        actor=entry.actor,
        code=entry.action,
        label=action_label(entry.action, entry.data if isinstance(entry.data, Mapping) else None),
        changes=render_changes(model, entry.data),
    )


def render_changes(model: type[models.Model] | None, data: Any) -> list[ChangeLine]:
    """The before → after lines of an entry's data.

    The shape is `{"changes": {field: [before, after]}}`: field names become the model's
    verbose names and values are formatted for the reader (dates, yes/no, choices).
    Two older shapes are still read: a list of already-rendered changes, and a bare
    `{field: [before, after]}` (the parents' contact changes)."""
    if not isinstance(data, Mapping):
        return []
    changes = data.get("changes")
    if isinstance(changes, list):  # older rows: already rendered when written
        return [
            ChangeLine(label=str(c.get("label", "")), before=str(c.get("before", "")), after=str(c.get("after", "")))
            for c in changes
            if isinstance(c, Mapping)
        ]
    if changes is None and data and all(_is_pair(v) for v in data.values()):
        changes = data
    if not isinstance(changes, Mapping):
        return []
    lines = []
    for name, pair in changes.items():
        if not _is_pair(pair):
            continue
        model_field = _field(model, name)
        lines.append(
            ChangeLine(
                label=str(model_field.verbose_name) if model_field is not None else name,
                before=format_value(model_field, pair[0]),
                after=format_value(model_field, pair[1]),
            )
        )
    return lines


def _is_pair(value: Any) -> bool:
    return isinstance(value, list | tuple) and len(value) == 2


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def format_value(model_field: models.Field | None, value: Any) -> str:
    """A stored value (JSON: ISO dates, booleans, choice codes, labels) for the reader."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool) or isinstance(model_field, models.BooleanField):
        return _("oui") if value else _("non")
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        try:
            return date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return str(value)
