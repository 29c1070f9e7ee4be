"""'Réserver un rythme': weekdays × services × a date range, previewed, then confirmed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from marelle.billing.selectors import price_preview
from marelle.families.selectors import responsable_for
from marelle.planning.models import CellState
from marelle.planning.rules import Action, local_today
from marelle.planning.selectors import services_to_book
from marelle.planning.services import PlanningError, demande_preview, demande_submit
from marelle.portal.access import ResponsableRequiredMixin
from marelle.portal.planning.forms import RythmeForm, new_submission_key
from marelle.portal.planning.views.common import (
    enfant_for_planning,
    month_param,
    planning_url,
    rejected_text,
    summarise,
)
from marelle.territory.models import Closure


def _service_choices(request, enfant, today: dt.date) -> list[tuple[int, str]]:
    return services_to_book(enfant, today=today, acting=responsable_for(request.user))


def _default_end(enfant, start: dt.date) -> dt.date:
    """The eve of the next holidays (a closure of several days), or four weeks on."""
    holidays = (
        Closure.objects.filter(commune_id=enfant.famille.commune_id, start_date__gt=start, end_date__gt=F("start_date"))
        .order_by("start_date")
        .first()
    )
    if holidays is not None:
        return holidays.start_date - dt.timedelta(days=1)
    return start + dt.timedelta(days=27)


def preview_summary(verdicts, services: dict[int, str]) -> list[dict]:
    """Per service: the days that will be booked (by resulting state) and those that will not, by reason."""
    summary: dict[int, dict] = {}
    for service_id, name in services.items():
        summary[service_id] = {
            "service_id": service_id,
            "name": name,
            "ok": [],
            "pending": 0,
            "booked": 0,
            "refused": defaultdict(list),
        }
    for verdict in verdicts:
        entry = summary.get(verdict.service.pk)
        if entry is None:
            continue
        if verdict.allowed:
            entry["ok"].append(verdict.day)
            entry["booked" if verdict.to_state == CellState.BOOKED else "pending"] += 1
        else:
            entry["refused"][verdict.error].append(verdict.day)
    for entry in summary.values():
        entry["refused"] = sorted(entry["refused"].items(), key=lambda kv: kv[1][0])
    return [e for e in summary.values() if e["ok"] or e["refused"]]


class RythmeView(ResponsableRequiredMixin, View):
    template_name = "portal/planning/rythme.html"

    def _context(self, enfant, form, **extra):
        return {
            "enfant": enfant,
            "form": form,
            "back_url": planning_url(enfant.pk),
            **extra,
        }

    def get(self, request, pk: int):
        enfant = enfant_for_planning(request.user, pk)
        today = local_today(timezone.now())
        start = today + dt.timedelta(days=1)
        form = RythmeForm(
            initial={"start": start, "end": _default_end(enfant, start), "weekdays": ["0", "3"]},
            services=_service_choices(request, enfant, today),
        )
        return render(request, self.template_name, self._context(enfant, form))

    def post(self, request, pk: int):
        enfant = enfant_for_planning(request.user, pk)
        now = timezone.now()
        services = _service_choices(request, enfant, local_today(now))
        form = RythmeForm(request.POST, services=services)
        if not form.is_valid():
            return render(request, self.template_name, self._context(enfant, form), status=400)
        cells = form.cells()
        if not cells:
            form.add_error(None, _("Aucun jour ne correspond à ces jours de la semaine dans cette période."))
            return render(request, self.template_name, self._context(enfant, form), status=400)
        if "confirm" not in request.POST:
            verdicts = demande_preview(enfant=enfant, action=Action.BOOK, cells=cells, now=now, actor=request.user)
            names = {pk: name for pk, name in services if pk in form.cleaned_data["services"]}
            confirm = RythmeForm(  # hidden fields, without the ids the form above already uses
                initial={**form.cleaned_data, "submission_key": new_submission_key()}, services=services, auto_id=False
            )
            summary = preview_summary(verdicts, names)
            by_pk = {v.service.pk: v.service for v in verdicts}
            for entry in summary:  # the price of what is about to be booked, by the invoices' rules
                service = by_pk.get(entry["service_id"])
                entry["price"] = price_preview(enfant=enfant, service=service, days=entry["ok"]) if service else None
            return render(
                request,
                self.template_name,
                self._context(
                    enfant,
                    form,
                    confirm=confirm,
                    summary=summary,
                    bookable=sum(1 for v in verdicts if v.allowed),
                ),
            )
        try:
            result = demande_submit(
                actor=request.user,
                enfant=enfant,
                action=Action.BOOK,
                cells=cells,
                now=now,
                submission_key=form.cleaned_data["submission_key"] or None,
            )
        except PlanningError as exc:
            messages.error(request, rejected_text(exc.rejected) if len(exc.rejected) > 1 else exc.message)
            return redirect("portal:rythme", pk=enfant.pk)
        level, message = summarise(Action.BOOK, result)
        getattr(messages, level)(request, message)
        return redirect(planning_url(enfant.pk, month_param(form.cleaned_data["start"])))
