"""Pointage: one service × one day, on a phone. Each post is one action of attendance.services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from marelle.attendance import services as attendance
from marelle.attendance.selectors import attendance_sheet
from marelle.backoffice.access import agent_view
from marelle.backoffice.forms import PointageActionForm, PointageChoiceForm
from marelle.backoffice.scoping import agent_commune_ids, get_scoped_or_404, scoped
from marelle.backoffice.views.common import now, parse_day, today
from marelle.families.models import Enfant
from marelle.planning.headcounts import headcounts
from marelle.planning.models import Service
from marelle.planning.services import PlanningError


def _services(user):
    return scoped(Service.objects.select_related("etablissement"), user, "etablissement__commune")


@agent_view(animateur=True)
def index(request):
    form = PointageChoiceForm(
        request.GET or None, commune_ids=agent_commune_ids(request.user), initial={"jour": today()}
    )
    if form.is_valid():
        return redirect(
            "backoffice:pointage_sheet", form.cleaned_data["service"].pk, form.cleaned_data["jour"].isoformat()
        )
    day = today()
    services = [s for s in _services(request.user) if s.is_open_on(day)]
    heads = headcounts(services=services, first=day, last=day)
    return render(
        request,
        "backoffice/pointage_index.html",
        {"form": form, "day": day, "today_services": [(s, heads.count(day, s.pk)) for s in heads.services]},
    )


@agent_view(animateur=True)
@require_http_methods(["GET", "POST"])
def sheet(request, service_pk: int, day: str):
    service = get_scoped_or_404(
        Service.objects.select_related("etablissement"), request.user, "etablissement__commune", pk=service_pk
    )
    day = parse_day(day)
    here = reverse("backoffice:pointage_sheet", args=[service.pk, day.isoformat()])
    if request.method == "POST":
        form = PointageActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Action invalide."))
            return redirect(here)
        try:
            anchor = _act(request, service, day, form.cleaned_data)
        except PlanningError as exc:
            messages.error(request, exc.message)
            anchor = ""
        return redirect(here + anchor)
    data = attendance_sheet(service, day)
    return render(
        request,
        "backoffice/pointage.html",
        {
            "sheet": data,
            "service": service,
            "day": day,
            "is_agent": not request.agent.is_animateur,
            "is_today": day == today(),
            "now_time": timezone.localtime(now()).strftime("%H:%M"),
        },
    )


def _act(request, service: Service, day, data) -> str:
    action, actor, when = data["action"], request.user, now()
    if action == "close":
        result = attendance.close_sheet(actor=actor, service=service, day=day, now=when)
        if result.already_closed:
            messages.info(request, _("Cette feuille était déjà clôturée."))
        else:
            messages.success(
                request,
                _("Feuille clôturée : %(billed)s, %(errors)s.")
                % {
                    "billed": ngettext("%(n)d absent facturé", "%(n)d absents facturés", result.billed)
                    % {"n": result.billed},
                    "errors": ngettext("%(n)d erreur de pointage", "%(n)d erreurs de pointage", result.errors)
                    % {"n": result.errors},
                },
            )
        return ""
    if not data["enfant"]:
        raise PlanningError(_("Choisissez un enfant."))
    # Scoped through the sheet's service (already the agent's): the child must be enrolled in it,
    # whichever commune the family lives in.
    enfant = Enfant.objects.filter(pk=data["enfant"], inscriptions__service=service).distinct().first()
    if enfant is None:
        raise Http404
    arrival, departure = data["arrival"], data["departure"]
    kwargs = {"actor": actor, "service": service, "day": day, "enfant": enfant, "now": when}
    if action == "present":
        attendance.mark_present(**kwargs, arrival=arrival if service.tracks_times else None)
        messages.success(request, _("%(child)s : présent(e).") % {"child": enfant.prenom})
    elif action == "absent":
        attendance.unmark_present(**kwargs)
        messages.success(request, _("%(child)s : remis(e) absent(e).") % {"child": enfant.prenom})
    elif action == "times":
        attendance.set_times(**kwargs, arrival=arrival, departure=departure)
        messages.success(request, _("%(child)s : heures enregistrées.") % {"child": enfant.prenom})
    elif action == "add":
        attendance.add_unbooked(**kwargs, arrival=arrival)
        messages.success(request, _("%(child)s ajouté(e) : heure hors contrat régulier.") % {"child": enfant.prenom})
    elif action == "fix":
        if request.agent.is_animateur:
            raise PlanningError(_("Seul un agent peut corriger une erreur de pointage."), code="forbidden")
        attendance.fix_error(**kwargs, arrival=arrival, departure=departure)
        messages.success(request, _("%(child)s : pointage corrigé.") % {"child": enfant.prenom})
    return f"#enfant-{enfant.pk}"
