"""State changes on families, responsables and children: each one atomic, validated and audited.

A save writes the changed fields only, and one audit line whose data is
`{"changes": {field: [before, after]}}`, the values as JSON (ISO dates, booleans, choice
codes; a related object by its name; an IBAN masked). `before` is read from the row
locked in the transaction, so two people saving at once each log what they really
changed; the history renders field names and values in the reader's language
(marelle/audit/labels.py). Callers scope the object (the parent's own responsable, the
agent's communes); the rules on the values are checked here, whoever calls.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from marelle.audit.services import log_action
from marelle.core.dates import in_range, out_of_range_message
from marelle.core.text import NOTE_MAX_CHARS, check_lengths
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
    "shared_access",
)
RESPONSABLE_FIELDS = ("civilite", "nom", "prenom", "email", "phone", "notify_by_email")
# The TextFields' caps (no database limit); CharFields are held to their max_length.
TEXT_LIMITS = {"allergies": NOTE_MAX_CHARS, "authorized_pickup": NOTE_MAX_CHARS}
# What a parent changes on their own account page.
CONTACT_FIELDS = ("email", "phone", "notify_by_email")
ENFANT_FIELDS = (
    "etablissement",
    "classe",
    "allergies",
    "pai",
    "authorized_pickup",
    "photo_consent",
    "left_on",
)

# Stored masked in the audit trail: it need not hold a whole bank account number.
MASKED_FIELDS = frozenset({"iban"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: Any  # as stored in the audit line (JSON)
    after: Any


class StaleEdit(Exception):
    """The record changed since the form was shown: nothing was saved."""


def mask_iban(value: str) -> str:
    """FR76 •••• 0189: the country, check digits and last four characters."""
    value = (value or "").replace(" ", "")
    if len(value) <= 8:
        return value
    return f"{value[:4]} •••• {value[-4:]}"


def audit_value(model_field: models.Field, value: Any) -> Any:
    """A field's value as the audit line stores it (JSON, nothing translated)."""
    if value is None or value == "":
        return None
    if model_field.name in MASKED_FIELDS:
        return mask_iban(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _comparable(model_field: models.Field, value: Any) -> Any:
    if isinstance(model_field, models.ForeignKey):
        return value.pk if isinstance(value, models.Model) else value
    if isinstance(model_field, (models.CharField, models.TextField)):
        return value or ""
    return value


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
    data: dict[str, Any] | None = None,
    validate=None,
    after_save=None,
) -> list[FieldChange]:
    """Lock `obj`'s row, apply the values that differ, validate, save and log them; returns
    the list of FieldChange (empty: nothing was written, not even an audit line). With
    `version` (from `version_of` when the form was shown), raise StaleEdit if the row
    changed since. `validate(locked)` sees the row with the new values applied and raises
    ValidationError to refuse the whole save."""
    model = type(obj)
    unknown = set(values) - set(fields)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    limits = {name: TEXT_LIMITS.get(name) or model._meta.get_field(name).max_length for name in values}
    check_lengths(values, {name: limit for name, limit in limits.items() if limit})
    with transaction.atomic():
        locked = model.objects.select_for_update(of=("self",)).get(pk=obj.pk)
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
                    before=audit_value(model_field, before),
                    after=audit_value(model_field, after),
                )
            )
        if validate is not None:
            validate(locked, {c.field for c in changes})
        if not changes:
            return []
        locked.save(update_fields=[c.field for c in changes])
        if after_save is not None:
            after_save(locked, changes)
        log_action(
            obj=locked,
            action=action,
            actor=actor,
            data={**(data or {}), "changes": {c.field: [c.before, c.after] for c in changes}},
        )
    for change in changes:  # the caller's instance shows the saved values
        setattr(obj, change.field, getattr(locked, change.field))
    return changes


QF_FIELDS = ("quotient_familial", "qf_valid_from", "qf_valid_until")
MANDATE_FIELDS = ("direct_debit", "iban", "bic", "mandate_reference", "mandate_signed_on")


def bank_details(iban: str, bic: str) -> tuple[str, str]:
    """IBAN and BIC in their compact form, the BIC found from the IBAN when left empty.
    Values that do not parse are returned as they are (famille_check refuses them)."""
    iban, bic = (iban or "").strip(), (bic or "").strip().upper()
    parsed = None
    if iban:
        try:
            parsed = IBAN(iban)
        except SchwiftyException:
            pass
        else:
            iban = parsed.compact
    if bic:
        with contextlib.suppress(SchwiftyException):
            bic = BIC(bic).compact
    elif parsed is not None and parsed.bic is not None:
        bic = parsed.bic.compact
    return iban, bic


def famille_check(famille: Famille, *, today: dt.date) -> None:
    """The rules on a family's quotient familial and SEPA mandate: raises ValidationError
    with one message per field."""
    errors: dict[str, str] = {}
    start, end = famille.qf_valid_from, famille.qf_valid_until
    for name in ("qf_valid_from", "qf_valid_until", "mandate_signed_on"):
        day = getattr(famille, name)
        if day is not None and not in_range(day):
            errors[name] = out_of_range_message()
    if errors:
        raise ValidationError(errors)
    if start and end and end < start:
        errors["qf_valid_until"] = _("La fin de validité précède le début.")
    if famille.quotient_familial is not None and not start:
        errors["qf_valid_from"] = _("Indiquez à partir de quand ce quotient familial est valable.")
    if famille.iban:
        try:
            IBAN(famille.iban)
        except SchwiftyException:
            errors["iban"] = _("Cet IBAN n'est pas valide (vérifiez les chiffres et la clé).")
    if famille.bic:
        try:
            BIC(famille.bic)
        except SchwiftyException:
            errors["bic"] = _("Ce BIC n'est pas valide.")
    if famille.mandate_signed_on and famille.mandate_signed_on > today:
        errors["mandate_signed_on"] = _("La date de signature ne peut pas être dans le futur.")
    if famille.direct_debit:
        required = {
            "iban": _("L'IBAN est obligatoire pour le prélèvement."),
            "mandate_reference": _("La RUM est obligatoire pour le prélèvement."),
            "mandate_signed_on": _("La date de signature du mandat est obligatoire pour le prélèvement."),
        }
        for name, message in required.items():
            if not getattr(famille, name) and name not in errors:
                errors[name] = message
    if errors:
        raise ValidationError(errors)


def famille_update(
    *,
    actor,
    famille: Famille,
    values: dict[str, Any],
    version: str | None = None,
    today: dt.date | None = None,
) -> list[FieldChange]:
    """Contact details, quotient familial, SEPA mandate and whether the responsables share
    access (off for separated parents: families/access.py). A change to the QF or the
    mandate is refused whole (ValidationError) if the result breaks a rule of `famille_check`."""
    today = today or timezone.localdate()
    values = dict(values)
    if "iban" in values:
        values["iban"], bic = bank_details(values["iban"], values.get("bic", ""))
        if "bic" in values or bic:
            values["bic"] = bic

    def validate(locked: Famille, changed: set[str]) -> None:
        if changed & {*QF_FIELDS, *MANDATE_FIELDS}:
            famille_check(locked, today=today)

    return _update_audited(
        obj=famille,
        fields=FAMILLE_FIELDS,
        values=values,
        actor=actor,
        version=version,
        action="famille.updated",
        data={"numero": famille.numero},
        validate=validate,
    )


def responsable_update(
    *,
    actor,
    responsable: Responsable,
    values: dict[str, Any],
    version: str | None = None,
    update_login: bool = False,
) -> list[FieldChange]:
    """A responsable's details, from the agent's edit page or the parent's own account page.

    With `update_login` (the parent's page: their email is their login) a new email also
    becomes the user's email, and must not be another account's."""
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    email = values.get("email")

    def validate(locked: Responsable, changed: set[str]) -> None:
        user = locked.user
        if update_login and "email" in changed and email and user is not None:
            taken = get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
            if taken:
                raise ValidationError({"email": _("Cette adresse est déjà utilisée par un autre compte.")})

    def follow_login(locked: Responsable, changes: list[FieldChange]) -> None:
        user = locked.user
        if update_login and user is not None and locked.email and user.email != locked.email:
            user.email = locked.email
            user.save(update_fields=["email"])

    return _update_audited(
        obj=responsable,
        fields=RESPONSABLE_FIELDS,
        values=values,
        actor=actor,
        version=version,
        action="responsable.updated",
        data={"name": f"{responsable.nom} {responsable.prenom}".strip()},
        validate=validate,
        after_save=follow_login,
    )


def enfant_check(enfant: Enfant) -> None:
    """The rules on a child's departure date: raises ValidationError on the field."""
    left_on = enfant.left_on
    if left_on is None:
        return
    if not in_range(left_on):
        raise ValidationError({"left_on": out_of_range_message()})
    if enfant.birth_date and left_on < enfant.birth_date:
        raise ValidationError({"left_on": _("La date de départ précède la date de naissance.")})


def enfant_update(*, actor, enfant: Enfant, values: dict[str, Any], version: str | None = None) -> list[FieldChange]:
    def validate(locked: Enfant, changed: set[str]) -> None:
        if "left_on" in changed:
            enfant_check(locked)

    return _update_audited(
        obj=enfant,
        fields=ENFANT_FIELDS,
        values=values,
        actor=actor,
        version=version,
        action="enfant.updated",
        data={"name": f"{enfant.prenom} {enfant.nom}".strip()},
        validate=validate,
    )


def responsable_set_language(*, responsable: Responsable, language: str) -> bool:
    """Remember the interface language a parent chose; True if it changed. A display
    preference, not family data: not audited. An unknown code is refused."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Langue inconnue."), code="language")
    changed = Responsable.objects.filter(pk=responsable.pk).exclude(language=language).update(language=language)
    responsable.language = language
    return bool(changed)
