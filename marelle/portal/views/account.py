"""Mon compte: the family and its responsables, my contact details (applied at once or sent
to the mairie, per field, as the commune decided), my notification choices, the password
and the family's data export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from marelle.families.access import contact_visible
from marelle.families.contact_changes import (
    contact_change_requests_for,
    contact_change_submit,
    contact_modes,
    current_contact,
)
from marelle.families.models import ContactField, ContactPolicy
from marelle.families.selectors import responsable_for
from marelle.messaging.preferences import choosable_kinds, notification_choices, notification_choices_save
from marelle.portal.access import ResponsableRequiredMixin
from marelle.portal.forms_account import INBOX_AND_EMAIL, INBOX_ONLY, ContactChangeForm, NotificationChoicesForm

FIELD_OF_INPUT = {"email": "email", "phone": "phone", "address": "address", "postal_code": "address", "city": "address"}


def _contact_initial(responsable) -> dict[str, str]:
    values = {}
    for parts in current_contact(responsable).values():
        values.update(parts)
    if not values["email"] and responsable.user_id:
        values["email"] = responsable.user.email
    return values


class CompteView(ResponsableRequiredMixin, View):
    template_name = "portal/compte.html"

    def get(self, request, contact_form=None, notifications_form=None, status=200):
        responsable = responsable_for(request.user)
        famille = responsable.famille
        modes = contact_modes(famille.commune)
        if contact_form is None:
            contact_form = ContactChangeForm(initial=_contact_initial(responsable))
        if notifications_form is None:
            initial = {k: INBOX_AND_EMAIL if v else INBOX_ONLY for k, v in notification_choices(responsable).items()}
            notifications_form = NotificationChoicesForm(kinds=choosable_kinds(), initial=initial)
        for name, field in contact_form.fields.items():
            if modes[FIELD_OF_INPUT[name]] == ContactPolicy.Mode.REQUEST:
                field.help_text = " ".join(
                    filter(
                        None,
                        [str(field.help_text), _("Un changement est vérifié par la mairie avant d'être appliqué.")],
                    )
                )
        context = {
            "famille": famille,
            "responsable": responsable,
            # Separated parents see each other's name, not each other's email and phone.
            "responsables": [(r, contact_visible(responsable, r)) for r in famille.responsables.all()],
            "form": contact_form,
            "notifications_form": notifications_form,
            "requests": contact_change_requests_for(responsable),
            "field_labels": dict(ContactField.choices),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        if request.POST.get("form") == "notifications":
            return self._save_notifications(request)
        return self._save_contact(request)

    def _save_contact(self, request):
        form = ContactChangeForm(request.POST)
        if not form.is_valid():
            return self.get(request, contact_form=form, status=400)
        responsable = responsable_for(request.user)
        try:
            outcome = contact_change_submit(
                responsable=responsable,
                values={k: v for k, v in form.cleaned_data.items() if k in request.POST},
                actor=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.get(request, contact_form=form, status=400)
        labels = dict(ContactField.choices)
        if outcome.applied:
            messages.success(request, _("Vos coordonnées ont été enregistrées."))
        if outcome.requested:
            messages.info(
                request,
                _("Demande envoyée à la mairie, qui la vérifiera : %(fields)s.")
                % {"fields": ", ".join(str(labels[f]) for f in outcome.requested)},
            )
        if not outcome.applied and not outcome.requested:
            messages.info(request, _("Aucune modification."))
        return redirect("portal:compte")

    def _save_notifications(self, request):
        form = NotificationChoicesForm(request.POST, kinds=choosable_kinds())
        if not form.is_valid():
            return self.get(request, notifications_form=form, status=400)
        notification_choices_save(
            responsable=responsable_for(request.user), by_email=form.by_email(), actor=request.user
        )
        messages.success(request, _("Vos choix de notification sont enregistrés."))
        return redirect("portal:compte")
