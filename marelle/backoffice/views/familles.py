"""Families: search, the family page with its history, and a child's planning in agent mode."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from marelle.backoffice.access import agent_view
from marelle.backoffice.forms import (
    CellStateForm,
    EnfantEditForm,
    FamilleEditForm,
    FamilleSearchForm,
    ResponsableEditForm,
)
from marelle.backoffice.scoping import get_scoped_or_404, scoped
from marelle.backoffice.selectors import famille_history
from marelle.backoffice.views.common import add_service_errors, now, today
from marelle.core.dates import parse_month
from marelle.families import services as family_services
from marelle.families.models import Enfant, Famille, Responsable
from marelle.families.selectors import famille_search
from marelle.planning.context import ENFANT_RELATED
from marelle.planning.presentation import LEGEND, cell_look, present_rows
from marelle.planning.selectors import bookings_after, famille_demandes, famille_with_enrolments, month_grid
from marelle.planning.services import PlanningError, cell_set_state

PAGE_SIZE = 50
HISTORY = 100


@agent_view
def search(request):
    form = FamilleSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = famille_search(scoped(Famille.objects.all(), request.user, "commune"), query)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/familles.html",
        {"form": form, "page": page, "results": list(page.object_list), "query": query, "q": urlencode({"q": query})},
    )


@agent_view
def detail(request, pk: int):
    famille = get_scoped_or_404(famille_with_enrolments(Famille.objects.all()), request.user, "commune", pk=pk)
    return render(
        request,
        "backoffice/famille.html",
        {
            "famille": famille,
            "demandes": famille_demandes(famille),
            "history": famille_history(famille, limit=HISTORY),
            "iban_masked": family_services.mask_iban(famille.iban),
            "today": today(),
        },
    )


def _month(request) -> tuple[int, int]:
    day = parse_month(request.GET.get("mois")) or today()
    return day.year, day.month


@agent_view
@require_http_methods(["GET", "POST"])
def planning(request, pk: int):
    """The child's month in agent mode: any state, no deadline, with a reason."""
    enfant = get_scoped_or_404(Enfant.objects.select_related(*ENFANT_RELATED), request.user, "famille__commune", pk=pk)
    year, month = _month(request)
    grid = month_grid(enfant, year, month, now=now(), agent=True)
    services = [row.service for row in grid.rows]
    initial = {}
    if request.GET.get("service", "").isdigit():
        initial["service"] = int(request.GET["service"])
    if request.GET.get("jour"):
        initial["date"] = request.GET["jour"]
    form = CellStateForm(request.POST or None, services=services, initial=initial)
    selected = next(
        (
            cell
            for row in grid.rows
            for cell in row.cells
            if cell.service_id == initial.get("service") and cell.date.isoformat() == initial.get("date")
        ),
        None,
    )
    if request.method == "POST" and form.is_valid():
        service = next(s for s in services if s.pk == form.cleaned_data["service"])
        day = form.cleaned_data["date"]
        try:
            cell_set_state(
                actor=request.user,
                enfant=enfant,
                service=service,
                day=day,
                to_state=form.cleaned_data["state"],
                reason=form.cleaned_data["reason"],
                now=now(),
            )
        except PlanningError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("La case a été modifiée."))
            return redirect(f"{reverse('backoffice:enfant_planning', args=[enfant.pk])}?mois={day:%Y-%m}")
    return render(
        request,
        "backoffice/enfant_planning.html",
        {
            "enfant": enfant,
            "grid": grid,
            "rows": present_rows(grid.rows),
            "legend": LEGEND,
            "form": form,
            "mois": f"{year:04d}-{month:02d}",
            "selected": selected,
            "selected_look": cell_look(selected) if selected else None,
        },
        status=400 if request.method == "POST" else 200,
    )


def _edit(request, *, make_form, save, famille_id: int, title: str, template_context: dict):
    """The shared GET/POST of the three edit pages: validate, save through the service
    (which audits), back to the family page. If someone saved the record since the form
    was shown, nothing is saved and the form comes back with the agent's input and the
    current version, to check and save again."""
    form = make_form(_posted(request))
    status = 400 if request.method == "POST" else 200  # a POST that comes back saved nothing
    if request.method == "POST" and form.is_valid():
        try:
            changes = save(form.cleaned_data, form.cleaned_data["version"] or None)
        except ValidationError as exc:  # a rule of the service: nothing was saved
            add_service_errors(form, exc)
        except family_services.StaleEdit:
            messages.error(
                request,
                _(
                    "Cette fiche a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte : "
                    "rien n'a été enregistré. Vérifiez les valeurs (l'historique de la famille montre "
                    "le changement) et enregistrez à nouveau."
                ),
            )
            data = request.POST.copy()
            data["version"] = form.fields["version"].initial
            form = make_form(data)
            status = 409
        else:
            if changes:
                messages.success(
                    request,
                    _("Modifications enregistrées : %(fields)s.") % {"fields": ", ".join(c.label for c in changes)},
                )
            else:
                messages.info(request, _("Aucune modification."))
            return redirect("backoffice:famille", famille_id)
    return render(
        request,
        "backoffice/fiche_form.html",
        {"form": form, "title": title, "famille_id": famille_id, **template_context},
        status=status,
    )


def _posted(request):
    """The POST data, even when empty (every box unticked), else None for a GET."""
    return request.POST if request.method == "POST" else None


def _values(cleaned_data: dict, fields: tuple[str, ...]) -> dict:
    return {name: cleaned_data[name] for name in fields if name in cleaned_data}


@agent_view
@require_http_methods(["GET", "POST"])
def famille_edit(request, pk: int):
    famille = get_scoped_or_404(Famille.objects.all(), request.user, "commune", pk=pk)
    return _edit(
        request,
        make_form=lambda data: FamilleEditForm(data, instance=famille),
        save=lambda data, version: family_services.famille_update(
            actor=request.user,
            famille=famille,
            values=_values(data, family_services.FAMILLE_FIELDS),
            version=version,
            today=today(),
        ),
        famille_id=famille.pk,
        title=_("Famille n° %(n)s : coordonnées, quotient familial, prélèvement") % {"n": famille.numero},
        template_context={"sections": FAMILLE_SECTIONS},
    )


@agent_view
@require_http_methods(["GET", "POST"])
def responsable_edit(request, pk: int):
    responsable = get_scoped_or_404(Responsable.objects.all(), request.user, "famille__commune", pk=pk)
    return _edit(
        request,
        make_form=lambda data: ResponsableEditForm(data, instance=responsable),
        save=lambda data, version: family_services.responsable_update(
            actor=request.user,
            responsable=responsable,
            values=_values(data, family_services.RESPONSABLE_FIELDS),
            version=version,
        ),
        famille_id=responsable.famille_id,
        title=_("Responsable : %(name)s") % {"name": responsable.display_name},
        template_context={},
    )


@agent_view
@require_http_methods(["GET", "POST"])
def enfant_edit(request, pk: int):
    enfant = get_scoped_or_404(Enfant.objects.select_related("famille"), request.user, "famille__commune", pk=pk)
    return _edit(
        request,
        make_form=lambda data: EnfantEditForm(data, instance=enfant),
        save=lambda data, version: _enfant_save(request, enfant, data, version),
        famille_id=enfant.famille_id,
        title=_("Enfant : %(name)s") % {"name": f"{enfant.prenom} {enfant.nom}"},
        template_context={},
    )


def _enfant_save(request, enfant: Enfant, data: dict, version: str | None):
    changes = family_services.enfant_update(
        actor=request.user, enfant=enfant, values=_values(data, family_services.ENFANT_FIELDS), version=version
    )
    if enfant.left_on and any(c.field == "left_on" for c in changes):
        n = bookings_after(enfant, enfant.left_on)
        if n:
            messages.warning(
                request,
                ngettext(
                    "%(n)d jour réservé ou demandé après le départ reste au planning : libérez-le en mode agent.",
                    "%(n)d jours réservés ou demandés après le départ restent au planning : libérez-les en mode agent.",
                    n,
                )
                % {"n": n},
            )
    return changes


# The family form in fieldsets, so that a screen reader announces each group (gettext_lazy by
# its own name: makemessages does not know an alias).
FAMILLE_SECTIONS = [
    (gettext_lazy("Coordonnées"), ["address", "postal_code", "city", "phone", "email"]),
    (gettext_lazy("Quotient familial"), ["quotient_familial", "qf_valid_from", "qf_valid_until"]),
    (
        gettext_lazy("Prélèvement (mandat SEPA)"),
        ["direct_debit", "iban", "bic", "mandate_reference", "mandate_signed_on"],
    ),
    (gettext_lazy("Accès des responsables"), ["shared_access"]),
]
