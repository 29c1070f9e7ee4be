"""Agents' edits of a family, its responsables and its children, each with an audit line.

A save writes the changed fields only, and one `LogEntry` whose data lists each changed
field with its value before and after (read from the row locked in the transaction, so
two agents saving at once each log what they really changed). Callers scope the object
to the agent's communes and validate the values (the back-office forms do both).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from marelle.audit.services import log_action
from marelle.families.models import Enfant, Famille, Responsable

FAMILLE_FIELDS = (
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
)
RESPONSABLE_FIELDS = ("civilite", "nom", "prenom", "email", "phone", "notify_by_email")
ENFANT_FIELDS = (
    "etablissement",
    "classe",
    "allergies",
    "pai",
    "authorized_pickup",
    "photo_consent",
    "left_on",
)

# Shown masked in the history: the audit trail need not hold a whole bank account number.
MASKED_FIELDS = frozenset({"iban"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "label": self.label, "before": self.before, "after": self.after}


def mask_iban(value: str) -> str:
    """FR76 •••• 0189: the country, check digits and last four characters."""
    value = (value or "").replace(" ", "")
    if len(value) <= 8:
        return value
    return f"{value[:4]} •••• {value[-4:]}"


def display_value(model_field: models.Field, value: Any) -> str:
    """A value as an agent reads it in the history (dates in French order, yes/no, choices)."""
    if value is None or value == "":
        return "—"
    if model_field.name in MASKED_FIELDS:
        return mask_iban(value)
    if isinstance(model_field, models.BooleanField):
        return str(_("oui") if value else _("non"))
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, models.Model):
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _comparable(model_field: models.Field, value: Any) -> Any:
    if isinstance(model_field, models.ForeignKey):
        return value.pk if isinstance(value, models.Model) else value
    if isinstance(model_field, (models.CharField, models.TextField)):
        return value or ""
    return value


class StaleEdit(Exception):
    """The record changed since the agent opened the form: nothing was saved."""


def version_of(obj: models.Model, fields: tuple[str, ...]) -> str:
    """A fingerprint of the editable values, put in the form when it is shown, so that a
    save based on values someone else has changed since is refused rather than silently
    writing the old values back (optimistic locking, no schema change)."""
    values = {}
    for name in fields:
        model_field = obj._meta.get_field(name)
        value = getattr(obj, model_field.attname)
        values[name] = _comparable(model_field, value)
    payload = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _update_audited(
    *,
    obj: models.Model,
    fields: tuple[str, ...],
    values: dict[str, Any],
    actor,
    action: str,
    version: str | None = None,
):
    """Lock `obj`'s row, apply the values that differ, save them and log them; returns the
    list of FieldChange (empty: nothing was written, not even an audit line). With
    `version` (from `version_of` when the form was shown), raise StaleEdit if the row
    changed since."""
    model = type(obj)
    unknown = set(values) - set(fields)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if version is not None and version != version_of(locked, fields):
            raise StaleEdit
        changes: list[FieldChange] = []
        for name in fields:
            if name not in values:
                continue
            model_field = model._meta.get_field(name)
            before = getattr(locked, name)
            after = values[name]
            if _comparable(model_field, before) == _comparable(model_field, after):
                continue
            setattr(locked, name, after)
            changes.append(
                FieldChange(
                    field=name,
                    label=str(model_field.verbose_name),
                    before=display_value(model_field, before),
                    after=display_value(model_field, after),
                )
            )
        if not changes:
            return []
        locked.save(update_fields=[c.field for c in changes])
        log_action(obj=locked, action=action, actor=actor, data={"changes": [c.as_dict() for c in changes]})
    for change in changes:  # the caller's instance shows the saved values
        setattr(obj, change.field, getattr(locked, change.field))
    return changes


def famille_update(*, actor, famille: Famille, values: dict[str, Any], version: str | None = None) -> list[FieldChange]:
    return _update_audited(
        obj=famille,
        fields=FAMILLE_FIELDS,
        values=values,
        actor=actor,
        version=version,
        action=_("Famille modifiée"),
    )


def responsable_update(
    *, actor, responsable: Responsable, values: dict[str, Any], version: str | None = None
) -> list[FieldChange]:
    """The contact details only: the login (the user's email) is not changed here."""
    return _update_audited(
        obj=responsable,
        fields=RESPONSABLE_FIELDS,
        values=values,
        actor=actor,
        version=version,
        action=_("Responsable modifié : %(name)s") % {"name": f"{responsable.nom} {responsable.prenom}".strip()},
    )


def enfant_update(*, actor, enfant: Enfant, values: dict[str, Any], version: str | None = None) -> list[FieldChange]:
    return _update_audited(
        obj=enfant,
        fields=ENFANT_FIELDS,
        values=values,
        actor=actor,
        version=version,
        action=_("Enfant modifié : %(name)s") % {"name": f"{enfant.prenom} {enfant.nom}".strip()},
    )


def bookings_after(enfant: Enfant, day: dt.date) -> int:
    """Booked, pending or waiting days after `day` (a child's departure leaves them as they
    are: the agent frees them in agent mode, with a reason, if the family has not)."""
    from marelle.planning.models import CellState

    return enfant.cells.filter(date__gt=day, state__in=[CellState.BOOKED, CellState.PENDING, CellState.WAITING]).count()
