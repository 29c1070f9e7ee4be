"""Enrolments and regular patterns (contrats réguliers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from marelle.backoffice.access import agent_view
from marelle.backoffice.forms import ContratChangeForm, ContratForm, InscriptionForm
from marelle.backoffice.scoping import get_scoped_or_404
from marelle.backoffice.views.common import add_service_errors, now
from marelle.families.models import Enfant
from marelle.planning import services as planning_services
from marelle.planning.models import ContratRegulier, Inscription
from marelle.planning.services import PlanningError, contrat_change


def _famille_url(famille_id: int) -> str:
    return reverse("backoffice:famille", args=[famille_id])


@agent_view
@require_http_methods(["GET", "POST"])
def inscription_create(request, pk: int):
    enfant = get_scoped_or_404(Enfant.objects.select_related("famille"), request.user, "famille__commune", pk=pk)
    form = InscriptionForm(request.POST or None, enfant=enfant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            planning_services.inscription_create(
                actor=request.user,
                enfant=enfant,
                service=data["service"],
                school_year=data["school_year"],
                responsable=data["responsable"],
                start_date=data["start_date"],
                end_date=data["end_date"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Inscription enregistrée."))
            return redirect(_famille_url(enfant.famille_id))
    return render(
        request,
        "backoffice/inscription_form.html",
        {"enfant": enfant, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@agent_view
@require_http_methods(["GET", "POST"])
def contrat_create(request, pk: int):
    inscription = get_scoped_or_404(
        Inscription.objects.select_related("enfant__famille", "service"),
        request.user,
        "enfant__famille__commune",
        pk=pk,
    )
    form = ContratForm(request.POST or None, inscription=inscription)
    if request.method == "POST" and form.is_valid():
        try:
            _contrat, booked = planning_services.contrat_create(
                actor=request.user,
                inscription=inscription,
                weekdays=form.weekdays_code,
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                now=now(),
            )
        except PlanningError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Contrat enregistré : %(n)d jour réservé.", "Contrat enregistré : %(n)d jours réservés.", booked
                )
                % {"n": booked},
            )
            return redirect(_famille_url(inscription.enfant.famille_id))
    return render(
        request,
        "backoffice/contrat_form.html",
        {"inscription": inscription, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@agent_view
@require_http_methods(["GET", "POST"])
def contrat_modify(request, pk: int):
    contrat = get_scoped_or_404(
        ContratRegulier.objects.select_related("inscription__enfant__famille", "inscription__service"),
        request.user,
        "inscription__enfant__famille__commune",
        pk=pk,
    )
    form = ContratChangeForm(request.POST or None, contrat=contrat)
    if request.method == "POST" and form.is_valid():
        try:
            contrat_change(
                actor=request.user,
                contrat=contrat,
                weekdays=form.weekdays_code,
                from_date=form.cleaned_data["from_date"],
                now=now(),
            )
        except PlanningError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Contrat modifié."))
            return redirect(_famille_url(contrat.inscription.enfant.famille_id))
    return render(
        request,
        "backoffice/contrat_change.html",
        {"contrat": contrat, "form": form},
        status=400 if request.method == "POST" else 200,
    )
