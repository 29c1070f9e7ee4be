"""The child's monthly planning (parent side): the grid, a cell's page, and the actions on cells.

Thin views: forms parse the request, `planning.services` decides and writes. A request
sent by planning.js (header X-Requested-With: fetch) gets JSON with the changed cells as
HTML fragments; any other request gets a redirect and a message, so that every action
also works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from marelle.billing.selectors import bookable_price_text
from marelle.families.selectors import responsable_for
from marelle.planning.presentation import FULL_LEGEND, parent_look
from marelle.planning.rules import NOT_PAYER, Action, local_today
from marelle.planning.selectors import cells_for, month_grid
from marelle.planning.services import PlanningError, demande_submit
from marelle.portal.access import ResponsableRequiredMixin
from marelle.portal.planning.cells import cell_html, row_html
from marelle.portal.planning.forms import (
    CellActionForm,
    CellPriceForm,
    PlanningFilterForm,
    new_submission_key,
    parse_cell_key,
    parse_month,
)
from marelle.portal.planning.views.common import (
    absence_reasons,
    action_labels,
    enfant_for_planning,
    is_fetch,
    month_param,
    parse_month_or_none,
    planning_url,
    rejected_text,
    summarise,
)
from marelle.portal.views.family import child_card_context, child_inscriptions


def js_texts() -> dict[str, str]:
    """planning.js's own sentences, translated here ("{n}" is replaced by a number)."""
    return {
        "none": _("Aucune action possible ce jour-là"),
        "network": _("La demande n'a pas pu être envoyée. Vérifiez votre connexion et réessayez."),
        "select_first": _("Sélectionnez d'abord au moins un jour."),
        "not_selectable": _("Aucune action possible sur ce jour : il ne peut pas être sélectionné."),
        "count_0": _("Aucun jour sélectionné."),
        "count_1": _("1 jour sélectionné."),
        "count_n": _("{n} jours sélectionnés."),
        "pick": _("Sélectionner {cell}"),
        "price": _("Prix si tout est réservé : {text}"),
        "price_one": _("Prix : {text}"),
        "reason_missing": _("Choisissez le motif de l'absence."),
    }


class PlanningView(ResponsableRequiredMixin, View):
    """Mon enfant + the month grid: `?mois=YYYY-MM&etablissement=&service=&pointage=1`."""

    template_name = "portal/planning/planning.html"

    def get(self, request, pk: int):
        enfant = enfant_for_planning(request.user, pk)
        now = timezone.now()
        today = local_today(now)
        first = parse_month(request.GET.get("mois"), today.replace(day=1))
        filters = PlanningFilterForm(request.GET).filters()
        inscriptions = child_inscriptions(enfant, min(today, first))
        grid = month_grid(
            enfant,
            first.year,
            first.month,
            now=now,
            inscriptions=inscriptions,
            etablissement_id=filters["etablissement"],
            service_id=filters["service"],
            missing_attendance=bool(filters["pointage"]),
            acting=responsable_for(request.user),
        )
        mois = month_param(grid.first)
        weeks = sorted({d.date - dt.timedelta(days=d.date.weekday()) for d in grid.days})
        labels = action_labels()
        context = {
            **child_card_context(enfant, today, inscriptions),
            "grid": grid,
            "legend": FULL_LEGEND,
            "rows": [
                {
                    "service": r.service,
                    "responsable": r.responsable,
                    "read_only": r.read_only,
                    "cells_html": row_html(
                        list(zip(grid.days, r.cells, strict=True)), r.service.name, with_pick=bool(filters["selection"])
                    ),
                }
                for r in grid.rows
            ],
            "weeks": [(monday, max(monday, grid.first)) for monday in weeks],
            "mois": mois,
            "filters": filters,
            "selecting": bool(filters["selection"]),
            "submission_key": new_submission_key(),
            "reasons": absence_reasons(),
            "action_labels": labels,
            "action_labels_json": json.dumps({**labels, **js_texts()}),
            "previous_url": planning_url(enfant.pk, month_param(grid.previous)),
            "next_url": planning_url(enfant.pk, month_param(grid.next)),
            "current_url": planning_url(enfant.pk),
            "selection_url": planning_url(enfant.pk, mois, selection="1"),
            "rythme_url": reverse("portal:rythme", args=[enfant.pk]),
        }
        return render(request, self.template_name, context)


class PlanningPriceView(ResponsableRequiredMixin, View):
    """GET cells=… → {"text": "RESTAURATION : 12 jours × 3,20 € = 38,40 €"}: what booking the
    bookable ones among them would cost, shown by planning.js before the parent confirms."""

    def get(self, request, pk: int):
        enfant = enfant_for_planning(request.user, pk)
        if not request.GET.getlist("cells"):
            return JsonResponse({"text": ""})  # nothing selected, nothing to price
        form = CellPriceForm(request.GET)
        if not form.is_valid():
            return JsonResponse({"text": "", "error": form.first_error()}, status=400)
        items = cells_for(enfant, form.cleaned_data["cells"], now=timezone.now())
        return JsonResponse({"text": bookable_price_text(enfant, [item.cell for item in items])})


class PlanningCellView(ResponsableRequiredMixin, View):
    """Without JavaScript, a cell's button leads here: the cell and the actions it allows."""

    template_name = "portal/planning/cell.html"

    def get(self, request, pk: int):
        enfant = enfant_for_planning(request.user, pk)
        try:
            key = parse_cell_key(request.GET.get("cellule", ""))
        except ValueError:
            raise Http404 from None
        now = timezone.now()
        found = cells_for(enfant, [key], now=now, acting=responsable_for(request.user))
        if not found:
            raise Http404
        item = found[0]
        mois = request.GET.get("mois") or month_param(key[1])
        return render(
            request,
            self.template_name,
            {
                "cell": item.cell,
                "price": bookable_price_text(enfant, [item.cell]),
                "look": parent_look(item.cell),
                "day": item.day,
                "service_name": item.service_name,
                "enfant": enfant,
                "mois": mois,
                "back_url": planning_url(enfant.pk, mois),
                "submission_key": new_submission_key(),
                "reasons": absence_reasons(),
                "action_labels": action_labels(),
            },
        )


class PlanningActionView(ResponsableRequiredMixin, View):
    """POST action=book|absence|cancel, cells=service_id:YYYY-MM-DD (repeated), reason, comment,
    document, submission_key, mois → one `demande_submit`."""

    def post(self, request, pk: int):
        enfant = enfant_for_planning(request.user, pk)
        now = timezone.now()
        form = CellActionForm(request.POST, request.FILES)
        ok = False
        status = 400
        if not form.is_valid():
            level, message = "error", form.first_error()
        else:
            data = form.cleaned_data
            action = Action(data["action"])
            try:
                result = demande_submit(
                    actor=request.user,
                    enfant=enfant,
                    action=action,
                    cells=data["cells"],
                    now=now,
                    reason=data["reason"] or "",
                    comment=data["comment"],
                    document=data["document"],
                    submission_key=data["submission_key"] or None,
                )
            except PlanningError as exc:
                level, message = "error", exc.message
                if len(exc.rejected) > 1:
                    message = rejected_text(exc.rejected)
                if exc.code == NOT_PAYER:  # the other responsable's days: not this parent's to change
                    status = 403
            else:
                ok = True
                level, message = summarise(action, result)
        mois = request.POST.get("mois") or ""
        if is_fetch(request):
            keys = form.cleaned_data.get("cells") or []
            fragments = {
                item.cell.key: cell_html(item.cell, item.day, item.service_name)
                for item in cells_for(enfant, keys, now=now, acting=responsable_for(request.user))
            }
            return JsonResponse(
                {
                    "ok": ok,
                    "level": level,
                    "message": message,
                    "cells": fragments,
                    "submission_key": new_submission_key(),
                },
                status=200 if ok else status,
            )
        getattr(messages, level)(request, message)
        return redirect(planning_url(enfant.pk, parse_month_or_none(mois)))
