"""State changes on families: every one atomic and audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from marelle.audit.services import log_action
from marelle.families.models import Responsable

CONTACT_FIELDS = ("email", "phone", "notify_by_email")


@transaction.atomic
def responsable_update_contact(
    *, responsable: Responsable, actor, email: str, phone: str, notify_by_email: bool
) -> Responsable:
    """Change a responsable's contact; the email is also their login, so it must stay unique."""
    responsable = Responsable.objects.select_for_update(of=("self",)).select_related("user").get(pk=responsable.pk)
    email = email.strip()
    user = responsable.user
    if email and user is not None:
        taken = get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
        if taken:
            raise ValidationError({"email": _("Cette adresse est déjà utilisée par un autre compte.")})
    before = {f: getattr(responsable, f) for f in CONTACT_FIELDS}
    after = {"email": email, "phone": phone.strip(), "notify_by_email": notify_by_email}
    if before == after:
        return responsable
    for field, value in after.items():
        setattr(responsable, field, value)
    responsable.save(update_fields=list(CONTACT_FIELDS))
    if user is not None and email and user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    changed = {f: [before[f], after[f]] for f in CONTACT_FIELDS if before[f] != after[f]}
    log_action(obj=responsable, action="responsable.contact_updated", actor=actor, data=changed)
    return responsable
