"""File des demandes: the pending requests of the agent's communes, decided one by one or in bulk."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marelle.backoffice.access import agent_view
from marelle.backoffice.forms import DecisionForm, DemandeFilterForm
from marelle.backoffice.queue_rows import queue_rows
from marelle.backoffice.scoping import agent_commune_ids, get_scoped_or_404, scoped
from marelle.backoffice.views.common import now, safe_next
from marelle.planning.models import Demande
from marelle.planning.presentation import STATE_STYLES
from marelle.planning.selectors import demandes_with_lines, pending_demandes, places_left
from marelle.planning.services import PlanningError, demandes_decide

PAGE_SIZE = 50


def _scope(user):
    return scoped(Demande.objects.all(), user, "famille__commune")


def _annotate_places(demandes) -> None:
    """Each line's state style and places left, for the template."""
    places = places_left(demandes)
    for demande in demandes:
        for line in demande.lines.all():
            line.style = STATE_STYLES.get(line.to_state)
            line.places_left = places[line.pk]


def _filtered(user, data) -> tuple[DemandeFilterForm, object]:
    """The filter form bound to `data` (a query string's values) and the pending demandes of
    the user's communes that it keeps, oldest first (created_at, then id: a stable order)."""
    form = DemandeFilterForm(data or None, commune_ids=agent_commune_ids(user))
    filters = form.cleaned_data if form.is_valid() else {}
    demandes = pending_demandes(
        _scope(user),
        commune=filters.get("commune"),
        kind=filters.get("kind", ""),
        etablissement=filters.get("etablissement"),
        service=filters.get("service"),
        first=filters.get("du"),
        last=filters.get("au"),
    )
    return form, demandes


@agent_view
def queue(request):
    form, demandes = _filtered(request.user, request.GET)
    page = Paginator(demandes, PAGE_SIZE).get_page(request.GET.get("page"))
    _annotate_places(page.object_list)
    query = _without_page(request.GET)
    return render(
        request,
        "backoffice/demandes.html",
        {
            "filter_form": form,
            "page": page,
            "rows": queue_rows(page.object_list),
            "decision_form": DecisionForm(initial={"filters": query, "seen": now().isoformat()}),
            "current": request.get_full_path(),
            "query": query,
        },
    )


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


@agent_view
def detail(request, pk: int):
    demande = get_scoped_or_404(
        demandes_with_lines(Demande.objects.select_related("decided_by")), request.user, "famille__commune", pk=pk
    )
    _annotate_places([demande])
    return render(
        request,
        "backoffice/demande.html",
        {"demande": demande, "decision_form": DecisionForm(), "current": request.get_full_path()},
    )


@agent_view
@require_POST
def decide(request):
    """Accept or refuse the posted demandes: the one whose button was pressed, the checked
    ones, or, with `all_filtered`, every pending demande the posted filters keep (all pages,
    received before the page was shown). Ids outside the agent's communes are ignored, as if
    they did not exist."""
    form = DecisionForm(request.POST)
    back = safe_next(request, reverse("backoffice:demandes"))
    if not form.is_valid():
        # A comment over its cap says so; anything else was not sent by our form.
        messages.error(request, form.errors["comment"][0] if "comment" in form.errors else _("Requête invalide."))
        return redirect(back)
    one = request.POST.get("accept_one", "")
    all_filtered, seen = False, None
    if one.isdigit():  # a row's own button: accept that one
        wanted, accept = Demande.objects.filter(pk=int(one)), True
    elif form.cleaned_data["all_filtered"]:
        # "Les N demandes filtrées", on every page: the same filters again, on the server, over
        # the pending demandes of the agent's communes received before the page was shown.
        all_filtered, accept = True, request.POST.get("decision") == "accept"
        filter_form, wanted = _filtered(request.user, QueryDict(form.cleaned_data["filters"]))
        if filter_form.is_bound and not filter_form.is_valid():
            messages.error(request, _("Les filtres ne sont pas valides : aucune demande n'a été traitée."))
            return redirect(back)
        seen = form.cleaned_data["seen"] or now()
        wanted = wanted.prefetch_related(None).filter(created_at__lte=seen)
    else:
        accept = request.POST.get("decision") == "accept"
        wanted = Demande.objects.filter(pk__in=form.cleaned_data["ids"]) if form.cleaned_data["ids"] else None
    if wanted is None:
        messages.error(request, _("Sélectionnez au moins une demande."))
        return redirect(back)
    comment = form.cleaned_data["comment"]
    ids = list(scoped(wanted.order_by(), request.user, "famille__commune").values_list("pk", flat=True))
    if not ids:
        messages.error(request, _("Ces demandes n'existent pas."))
        return redirect(back)
    try:
        result = demandes_decide(
            actor=request.user,
            demande_ids=ids,
            accept=accept,
            now=now(),
            comment=comment,
            force_capacity=form.cleaned_data["force"],
        )
    except PlanningError as exc:
        if exc.code == "capacity":
            return render(
                request,
                "backoffice/demandes_confirm.html",
                {
                    "message": exc.message,
                    "n": len(ids),
                    # Confirming all the filtered demandes posts the filters again, not 2,000 ids.
                    "ids": [] if all_filtered else ids,
                    "all_filtered": all_filtered,
                    "filters": form.cleaned_data["filters"],
                    "seen": seen,
                    "comment": comment,
                    "next": back,
                },
                status=409,
            )
        messages.error(request, exc.message)
        return redirect(back)
    n = len(result.decided)
    if n:
        text = (
            ngettext("%(n)d demande acceptée.", "%(n)d demandes acceptées.", n)
            if accept
            else ngettext("%(n)d demande refusée.", "%(n)d demandes refusées.", n)
        )
        messages.success(request, text % {"n": n})
    if result.already_decided:
        messages.info(
            request,
            ngettext(
                "%(n)d demande était déjà traitée : rien n'a changé.",
                "%(n)d demandes étaient déjà traitées : rien n'a changé.",
                result.already_decided,
            )
            % {"n": result.already_decided},
        )
    return redirect(back)
