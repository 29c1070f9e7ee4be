"""The parent's pages. Every query starts from the logged-in family (families.selectors)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from marelle.billing.selectors import balance_on, statement, unpaid_invoices
from marelle.families.selectors import enfant_for, enfants_for, famille_for, responsable_for
from marelle.families.services import CONTACT_FIELDS, responsable_update
from marelle.messaging.selectors import unread_count
from marelle.planning.context import INSCRIPTION_RELATED
from marelle.planning.models import Inscription
from marelle.portal.access import ResponsableRequiredMixin
from marelle.portal.forms import ContactForm
from marelle.privacy.export import export_filename, family_export


class AccueilView(ResponsableRequiredMixin, TemplateView):
    template_name = "portal/accueil.html"

    def get_context_data(self, **kwargs):
        responsable = responsable_for(self.request.user)
        famille = responsable.famille
        today = timezone.localdate()
        return super().get_context_data(
            responsable=responsable,
            famille=famille,
            today=today,
            balance=balance_on(famille, today, responsable=responsable),
            unpaid=list(unpaid_invoices(famille, responsable=responsable)),
            unread=unread_count(famille, responsable),
            enfants=list(enfants_for(self.request.user)),
            **kwargs,
        )


class EnfantsView(ResponsableRequiredMixin, TemplateView):
    template_name = "portal/enfants.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            enfants=list(enfants_for(self.request.user)), today=timezone.localdate(), **kwargs
        )


def child_inscriptions(enfant, since) -> list[Inscription]:
    """The child's enrolments still running on `since`, with what the card and the grid need."""
    return list(
        Inscription.objects.filter(enfant=enfant, end_date__gte=since)
        .select_related(*INSCRIPTION_RELATED, "school_year")
        .order_by("school_year__start_date", "service__position", "service__name")
    )


def child_card_context(enfant, today, inscriptions: list[Inscription] | None = None) -> dict:
    """What portal/enfant.html's card needs; the planning page extends that template and
    passes the inscriptions it loaded for the grid, so that the card costs no query."""
    famille = enfant.famille
    if inscriptions is None:
        inscriptions = child_inscriptions(enfant, today)
    # Current and coming enrolments: a past school year's services are no longer bookable.
    current = [i for i in inscriptions if i.end_date >= today]
    # "Nom du responsable": who pays for this child's services, as in the guide's card.
    payers = list({i.responsable_id: i.responsable for i in current}.values())
    return {
        "enfant": enfant,
        "famille": famille,
        "age": enfant.age_on(today),
        "responsables": payers or list(famille.responsables.all()),
        "inscriptions": current,
        "today": today,
    }


class EnfantView(ResponsableRequiredMixin, TemplateView):
    """Mon enfant: the child's card and enrolled services; the planning grid goes below."""

    template_name = "portal/enfant.html"

    def get_context_data(self, **kwargs):
        enfant = enfant_for(self.request.user, self.kwargs["pk"])
        return super().get_context_data(**child_card_context(enfant, timezone.localdate()), **kwargs)


class CompteView(ResponsableRequiredMixin, FormView):
    """Mon compte: family and responsables; each responsable edits their own contact."""

    template_name = "portal/compte.html"
    form_class = ContactForm

    def get_initial(self):
        r = responsable_for(self.request.user)
        return {"email": r.email or self.request.user.email, "phone": r.phone, "notify_by_email": r.notify_by_email}

    def get_context_data(self, **kwargs):
        famille = famille_for(self.request.user)
        return super().get_context_data(
            famille=famille,
            responsable=responsable_for(self.request.user),
            responsables=list(famille.responsables.all()),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            responsable_update(
                actor=self.request.user,
                responsable=responsable_for(self.request.user),
                values={f: form.cleaned_data[f] for f in CONTACT_FIELDS},
                update_login=True,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Vos coordonnées ont été enregistrées."))
        return redirect("portal:compte")


class ExportView(ResponsableRequiredMixin, View):
    """Télécharger les données de ma famille (RGPD): a ZIP of the logged-in family's data only
    (of a separated parent: their own data and their children's, see families/access.py)."""

    def get(self, request):
        responsable = responsable_for(request.user)
        famille = responsable.famille
        now = timezone.now()
        content = family_export(famille=famille, actor=request.user, now=now, responsable=responsable)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(famille, now=now)}"'
        response["Cache-Control"] = "no-store"
        return response


class ReleveView(ResponsableRequiredMixin, TemplateView):
    template_name = "portal/releve.html"

    def get_context_data(self, **kwargs):
        famille = famille_for(self.request.user)
        today = timezone.localdate()
        return super().get_context_data(
            lines=statement(famille), balance=balance_on(famille, today), today=today, **kwargs
        )
