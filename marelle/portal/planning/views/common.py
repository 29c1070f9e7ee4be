"""What the planning pages share: the child in scope, month and URL helpers, action labels,
and the French sentences that report a `demande_submit` result."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from marelle.families.models import Enfant
from marelle.families.selectors import famille_for
from marelle.planning.context import ENFANT_RELATED
from marelle.planning.models import AbsenceReason
from marelle.planning.presentation import state_label
from marelle.planning.rules import Action
from marelle.planning.services import SubmitResult
from marelle.portal.planning.forms import parse_month

ACTION_LABELS = {
    Action.BOOK: gettext_lazy("Demande de réservation"),
    Action.ABSENCE: gettext_lazy("Déclaration d'absence"),
    Action.CANCEL: gettext_lazy("Annuler la demande"),
}


def enfant_for_planning(user, pk: int) -> Enfant:
    """One of the user's own children, with what the deadline rules need; 404 otherwise."""
    scope = Enfant.objects.filter(famille=famille_for(user)).select_related(
        *ENFANT_RELATED, "famille__commune", "etablissement__commune"
    )
    return get_object_or_404(scope, pk=pk)


def is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def month_param(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month_or_none(value: str) -> str | None:
    first = parse_month(value, dt.date(1, 1, 1))
    return None if first.year == 1 else month_param(first)


def planning_url(enfant_pk: int, mois: str | None = None, **extra) -> str:
    url = reverse("portal:planning", args=[enfant_pk])
    params = {k: v for k, v in {"mois": mois or "", **extra}.items() if v}
    return f"{url}?{urlencode(params)}" if params else url


def action_labels() -> dict[str, str]:
    return {str(k): str(v) for k, v in ACTION_LABELS.items()}


def absence_reasons() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in AbsenceReason.choices]


def _where(service_name: str, day: dt.date) -> str:
    return f"{service_name}, {date_format(day, 'l j F Y')}"


def summarise(action: Action, result: SubmitResult) -> tuple[str, str]:
    """(level, French message) for a demande_submit result."""
    if result.duplicate:
        return "info", _("Cette demande a déjà été enregistrée.")
    head = {
        Action.BOOK: _("Demande de réservation enregistrée"),
        Action.ABSENCE: _("Déclaration d'absence enregistrée"),
        Action.CANCEL: _("Demande annulée"),
    }[action]
    if len(result.applied) == 1:
        outcome = result.applied[0]
        detail = f"{_where(outcome.service.name, outcome.day)} : {state_label(outcome.to_state)}"
    else:
        counts = Counter(state_label(o.to_state) for o in result.applied)
        detail = ngettext("%(n)d jour", "%(n)d jours", len(result.applied)) % {"n": len(result.applied)}
        detail += " : " + ", ".join(f"{n} × {label}" for label, n in counts.most_common())
    message = f"{head} — {detail}."
    if result.rejected:
        message += " " + rejected_text(result.rejected)
    return ("warning" if result.rejected else "success"), message


def rejected_text(rejected, limit: int = 3) -> str:
    text = ngettext("%(n)d jour non modifié :", "%(n)d jours non modifiés :", len(rejected)) % {"n": len(rejected)}
    parts = [f"{_where(v.service.name, v.day)} — {v.error}" for v in rejected[:limit]]
    if len(rejected) > limit:
        parts.append(_("et %(n)d autre(s)") % {"n": len(rejected) - limit})
    return f"{text} {' ; '.join(parts)}"
