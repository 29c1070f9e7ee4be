"""Calendars: day types, closures (which close the booked days and tell the families), imports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from marelle.backoffice.access import agent_view
from marelle.backoffice.forms import ClosureDeleteForm, ClosureForm, DayTypeForm, ImportForm
from marelle.backoffice.scoping import agent_communes, get_scoped_or_404
from marelle.backoffice.views.common import add_service_errors, now
from marelle.planning import services as planning_services
from marelle.territory import services as territory_services
from marelle.territory.models import Closure, Commune
from marelle.territory.selectors import commune_closures


@agent_view
def index(request):
    communes = list(agent_communes(request.user))
    if len(communes) == 1:
        return redirect("backoffice:calendrier_commune", communes[0].pk)
    return render(request, "backoffice/calendrier_index.html", {"communes": communes})


@agent_view
@require_http_methods(["GET", "POST"])
def commune(request, pk: int):
    commune = get_scoped_or_404(Commune.objects.all(), request.user, "pk", pk=pk)
    which = request.POST.get("form")
    day_type_form = DayTypeForm(request.POST if which == "daytype" else None, prefix="dt")
    closure_form = ClosureForm(request.POST if which == "closure" else None, commune=commune, prefix="cl")
    import_form = ImportForm(request.POST if which == "import" else None, commune=commune, prefix="im")
    here = reverse("backoffice:calendrier_commune", args=[commune.pk])

    if which == "daytype" and day_type_form.is_valid():
        try:
            territory_services.day_type_create(actor=request.user, commune=commune, **day_type_form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(day_type_form, exc)
        else:
            messages.success(request, _("Type de jour enregistré."))
            return redirect(here)

    if which == "closure" and closure_form.is_valid():
        data = closure_form.cleaned_data
        try:
            _closure, closed = planning_services.closure_create(
                actor=request.user,
                commune=commune,
                label=data["label"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                day_type=data["day_type"],
                etablissement=data["etablissement"],
                services=data["services"],
                now=now(),
            )
        except ValidationError as exc:
            add_service_errors(closure_form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Fermeture enregistrée : %(n)d réservation annulée, familles prévenues.",
                    "Fermeture enregistrée : %(n)d réservations annulées, familles prévenues.",
                    closed,
                )
                % {"n": closed},
            )
            return redirect(here)

    if which == "import" and import_form.is_valid():
        year = import_form.cleaned_data["school_year"]
        try:
            created, updated, _closed = planning_services.calendar_import(
                actor=request.user,
                commune=commune,
                school_year=year,
                public=import_form.cleaned_data["what"] == "public",
                now=now(),
            )
        except (ValueError, OSError) as exc:
            messages.error(request, _("Import impossible : %(error)s") % {"error": exc})
        else:
            messages.success(
                request,
                _("Import terminé : %(created)d période(s) créée(s), %(updated)d mise(s) à jour.")
                % {"created": created, "updated": updated},
            )
        return redirect(here)

    return render(
        request,
        "backoffice/calendrier.html",
        {
            "commune": commune,
            "day_types": commune.day_types.all(),
            "closures": commune_closures(commune),
            "etablissements": commune.etablissements.all(),
            "day_type_form": day_type_form,
            "closure_form": closure_form,
            "import_form": import_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@agent_view
@require_http_methods(["GET", "POST"])
def closure_delete(request, pk: int):
    """Confirm, then delete a closure (manual or imported), restoring its bookings if asked."""
    closure = get_scoped_or_404(
        Closure.objects.select_related("commune", "day_type", "etablissement").prefetch_related("services"),
        request.user,
        "commune",
        pk=pk,
    )
    back = reverse("backoffice:calendrier_commune", args=[closure.commune_id])
    form = ClosureDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = planning_services.closure_delete(
            actor=request.user, closure=closure, restore=form.cleaned_data["restore"], now=now()
        )
        if result is None:
            messages.info(request, _("Cette fermeture avait déjà été supprimée."))
            return redirect(back)
        messages.success(request, _("Fermeture supprimée : %(c)s.") % {"c": result.label})
        if result.restored or result.freed:
            messages.info(
                request,
                _("%(restored)d réservation(s) rétablie(s), %(freed)d case(s) remise(s) à « Libre ».")
                % {"restored": result.restored, "freed": result.freed},
            )
        if result.kept:
            messages.warning(
                request,
                ngettext(
                    "%(n)d case reste en « Fermeture » : changez-la en mode agent si besoin.",
                    "%(n)d cases restent en « Fermeture » : changez-les en mode agent si besoin.",
                    result.kept,
                )
                % {"n": result.kept},
            )
        return redirect(back)
    return render(
        request,
        "backoffice/closure_delete.html",
        {
            "closure": closure,
            "form": form,
            "back": back,
            "closed": planning_services.closed_cells(closure).count(),
        },
    )
