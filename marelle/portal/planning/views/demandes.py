"""Liste des demandes: the family's demandes, newest first, and 'Annuler la demande'."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from marelle.core.redirects import safe_next
from marelle.families.selectors import enfants_for, famille_for, responsable_for
from marelle.planning.models import Demande, DemandeLine
from marelle.planning.presentation import style_for
from marelle.planning.services import PlanningError, cancellable_by, demande_cancel
from marelle.portal.access import ResponsableRequiredMixin
from marelle.portal.planning.forms import DemandesFilterForm

PAGE_SIZE = 20


def demandes_for(user):
    """The family's demandes with their child and lines (a constant number of queries per page)."""
    return (
        Demande.objects.filter(famille=famille_for(user))
        .select_related("enfant")
        .prefetch_related(
            Prefetch(
                "lines", queryset=DemandeLine.objects.select_related("service").order_by("date", "service__position")
            )
        )
        .order_by("-created_at", "-id")
    )


class DemandesView(ResponsableRequiredMixin, View):
    template_name = "portal/planning/demandes.html"

    def get(self, request):
        enfants = list(enfants_for(request.user))
        form = DemandesFilterForm(request.GET or None, enfants=enfants)
        demandes = demandes_for(request.user)
        if form.is_valid():
            data = form.cleaned_data
            if data.get("enfant"):
                demandes = demandes.filter(enfant_id=data["enfant"])
            if data.get("statut"):
                demandes = demandes.filter(status=data["statut"])
            if data.get("type"):
                demandes = demandes.filter(kind=data["type"])
        page = Paginator(demandes, PAGE_SIZE).get_page(request.GET.get("page"))
        cancellable = cancellable_by(responsable_for(request.user), page.object_list)
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page": page,
                "demandes": [(d, _lines(d), d.pk in cancellable) for d in page.object_list],
                "next": request.get_full_path(),
                "query": query.urlencode(),
                "enfants": enfants,
            },
        )


def _lines(demande: Demande) -> list[dict]:
    """Lines grouped by service: 'GARDERIE MATIN : ve 5 déc., lu 8 déc.'."""
    grouped: dict[str, dict] = {}
    for line in demande.lines.all():
        entry = grouped.setdefault(line.service.name, {"service": line.service.name, "days": []})
        entry["days"].append({"date": line.date, "to": style_for(line.to_state)})
    return list(grouped.values())


class DemandeCancelView(ResponsableRequiredMixin, View):
    """GET: « Annuler cette demande ? » with the days it holds; POST: cancelled."""

    template_name = "portal/planning/demande_cancel.html"

    def get(self, request, pk: int):
        demande = get_object_or_404(demandes_for(request.user), pk=pk)
        lines = _lines(demande)
        back = safe_next(request, reverse("portal:demandes"))
        return render(
            request,
            self.template_name,
            {
                "demande": demande,
                "lines": lines,
                "back": back,
                "cancellable": demande.status == Demande.Status.PENDING
                and demande.pk in cancellable_by(responsable_for(request.user), [demande]),
            },
        )

    def post(self, request, pk: int):
        demande = get_object_or_404(Demande.objects.filter(famille=famille_for(request.user)), pk=pk)
        try:
            demande_cancel(actor=request.user, demande=demande, now=timezone.now())
        except PlanningError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("La demande a été annulée."))
        return redirect(safe_next(request, reverse("portal:demandes")))
