"""A parent's change of their contact details (Mon compte): each field is applied at once
or sent to an agent as a demande, as the commune's ContactPolicy says.

Applied changes and accepted demandes go through `responsable_update` / `famille_update`,
so that they are validated and audited like an agent's edit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from marelle.audit.services import log_action
from marelle.core.text import check_lengths
from marelle.families.models import (
    CONTACT_POLICY_DEFAULTS,
    ContactChangeRequest,
    ContactField,
    ContactPolicy,
    Famille,
    Responsable,
)
from marelle.families.services import famille_update, responsable_update
from marelle.territory.models import Commune

# The form's inputs behind each contact field.
PARTS = {
    ContactField.EMAIL: ("email",),
    ContactField.PHONE: ("phone",),
    ContactField.ADDRESS: ("address", "postal_code", "city"),
}
MAX_COMMENT = 1000


def contact_modes(commune: Commune) -> dict[str, str]:
    """field → ContactPolicy.Mode for the commune (its rows, else the defaults)."""
    modes = {str(f): str(m) for f, m in CONTACT_POLICY_DEFAULTS.items()}
    modes.update(dict(ContactPolicy.objects.filter(commune=commune).values_list("field", "mode")))
    return modes


def current_contact(responsable: Responsable) -> dict[str, dict[str, str]]:
    famille = responsable.famille
    return {
        ContactField.EMAIL: {"email": responsable.email},
        ContactField.PHONE: {"phone": responsable.phone},
        ContactField.ADDRESS: {"address": famille.address, "postal_code": famille.postal_code, "city": famille.city},
    }


@dataclass
class ContactChangeOutcome:
    applied: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)


def _wanted(values: dict[str, str], current: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The new value of each field; an input not given keeps its current value."""
    return {
        f: {part: (values[part] or "").strip() if part in values else current[f][part] for part in parts}
        for f, parts in PARTS.items()
    }


def _check_lengths(wanted: dict[str, dict[str, str]]) -> None:
    """Each part within its column's max_length (a demande waits as JSON, unbounded)."""
    for contact_field, parts in wanted.items():
        model = Famille if contact_field == ContactField.ADDRESS else Responsable
        check_lengths(parts, {part: model._meta.get_field(part).max_length for part in parts})


def _check_email_free(responsable: Responsable, email: str) -> None:
    if not email or responsable.user_id is None:
        return
    taken = get_user_model().objects.filter(email__iexact=email).exclude(pk=responsable.user_id).exists()
    if taken:
        raise ValidationError({"email": _("Cette adresse est déjà utilisée par un autre compte.")})


def _apply(*, responsable: Responsable, contact_field: str, value: dict[str, str], actor) -> None:
    if contact_field == ContactField.ADDRESS:
        famille_update(actor=actor, famille=responsable.famille, values=value)
    else:
        # The email is the parent's login too: it follows, and must stay unique.
        responsable_update(actor=actor, responsable=responsable, values=value, update_login=True)


def contact_change_requests_for(responsable: Responsable, limit: int = 10) -> list[ContactChangeRequest]:
    """The responsable's recent demandes (pending and decided), for Mon compte."""
    return list(
        ContactChangeRequest.objects.filter(responsable=responsable).exclude(
            status=ContactChangeRequest.Status.REPLACED
        )[:limit]
    )


def pending_first(changes: QuerySet[ContactChangeRequest]) -> QuerySet[ContactChangeRequest]:
    """The agent's list: pending demandes first (oldest first), then decided ones (newest first)."""
    return (
        changes.exclude(status=ContactChangeRequest.Status.REPLACED)
        .annotate(
            decided=Case(
                When(status=ContactChangeRequest.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("decided", "-decided_at", "created_at")
    )


def contact_change_submit(
    *, responsable: Responsable, values: dict[str, str], actor, now: dt.datetime
) -> ContactChangeOutcome:
    """Apply or request each contact field whose value changed; all or nothing. `values`
    holds the inputs sent (email, phone, address, postal_code, city); one not sent is kept."""
    famille: Famille = responsable.famille
    modes = contact_modes(famille.commune)
    current = current_contact(responsable)
    wanted = _wanted(values, current)
    _check_lengths(wanted)
    outcome = ContactChangeOutcome()
    with transaction.atomic():
        for contact_field in ContactField.values:
            if wanted[contact_field] == current[contact_field]:
                continue
            if contact_field == ContactField.EMAIL:
                _check_email_free(responsable, wanted[contact_field]["email"])
            if modes[contact_field] == ContactPolicy.Mode.APPLY:
                _apply(responsable=responsable, contact_field=contact_field, value=wanted[contact_field], actor=actor)
                outcome.applied.append(contact_field)
                continue
            pending = ContactChangeRequest.objects.select_for_update().filter(
                responsable=responsable, field=contact_field, status=ContactChangeRequest.Status.PENDING
            )
            if any(p.new_value == wanted[contact_field] for p in pending):
                continue  # the same demande sent twice
            pending.update(status=ContactChangeRequest.Status.REPLACED)
            change = ContactChangeRequest.objects.create(
                famille=famille,
                responsable=responsable,
                field=contact_field,
                old_value=current[contact_field],
                new_value=wanted[contact_field],
                created_by=actor,
                created_at=now,
            )
            log_action(
                obj=change,
                action="contact_change.requested",
                actor=actor,
                data={
                    "field": contact_field,
                    "old": current[contact_field],
                    "new": wanted[contact_field],
                },
            )
            outcome.requested.append(contact_field)
    return outcome


def contact_change_decide(
    *, change: ContactChangeRequest, accept: bool, comment: str = "", actor, now: dt.datetime
) -> ContactChangeRequest:
    """Accept (the new value is applied and audited) or refuse with a reason the parent reads.
    A demande already decided is left as it is."""
    comment = comment.strip()
    if not accept and not comment:
        raise ValidationError({"comment": [_("Indiquez le motif du refus : la famille le lira.")]})
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            {"comment": [_("Le motif est trop long (%(n)d caractères au plus).") % {"n": MAX_COMMENT}]}
        )
    with transaction.atomic():
        locked = (
            ContactChangeRequest.objects.select_for_update().select_related("responsable__famille").get(pk=change.pk)
        )
        if locked.status != ContactChangeRequest.Status.PENDING:
            return locked
        if accept:
            if locked.field == ContactField.EMAIL:
                _check_email_free(locked.responsable, locked.new_value.get("email", ""))
            _apply(responsable=locked.responsable, contact_field=locked.field, value=locked.new_value, actor=actor)
        locked.status = ContactChangeRequest.Status.ACCEPTED if accept else ContactChangeRequest.Status.REFUSED
        locked.decided_by = actor
        locked.decided_at = now
        locked.agent_comment = comment
        locked.save(update_fields=["status", "decided_by", "decided_at", "agent_comment"])
        log_action(
            obj=locked,
            action="contact_change.accepted" if accept else "contact_change.refused",
            actor=actor,
            data={"field": locked.field, **({"comment": comment} if comment else {})},
        )
    return locked


def contact_policy_set(*, commune: Commune, contact_field: str, mode: str, actor) -> ContactPolicy:
    if contact_field not in ContactField.values or mode not in ContactPolicy.Mode.values:
        raise ValidationError(_("Règle de changement inconnue."))
    with transaction.atomic():
        before = contact_modes(commune)[contact_field]
        policy, _created = ContactPolicy.objects.update_or_create(
            commune=commune, field=contact_field, defaults={"mode": mode}
        )
        if before != mode:
            log_action(
                obj=policy,
                action="contact_policy.updated",
                actor=actor,
                data={"commune": commune.pk, "field": contact_field, "old": before, "new": mode},
            )
    return policy
