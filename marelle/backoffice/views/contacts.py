"""Parents' contact changes the commune checks before they apply, and the commune's rule
for each field (apply at once, or ask an agent). Scoped to the agent's communes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marelle.backoffice.access import agent_view
from marelle.backoffice.forms_contacts import ContactDecisionForm, ContactPolicyForm
from marelle.backoffice.scoping import agent_communes, get_scoped_or_404, scoped
from marelle.backoffice.views.common import flash_service_errors, now
from marelle.families.contact_changes import contact_change_decide, contact_modes, contact_policy_set, pending_first
from marelle.families.models import ContactChangeRequest
from marelle.territory.models import Commune

MAX_ROWS = 200


def _requests(user):
    return scoped(
        ContactChangeRequest.objects.select_related("famille", "responsable", "decided_by"), user, "famille__commune"
    )


@agent_view
def index(request):
    return _render_index(request)


def _render_index(request, *, status: int = 200, refusing: int | None = None, policy_forms=None):
    communes = list(agent_communes(request.user))
    if policy_forms is None:
        policy_forms = {c.pk: ContactPolicyForm(modes=contact_modes(c), prefix=f"c{c.pk}") for c in communes}
    return render(
        request,
        "backoffice/contacts.html",
        {
            "requests": list(pending_first(_requests(request.user))[:MAX_ROWS]),
            "pending": _requests(request.user).filter(status=ContactChangeRequest.Status.PENDING).count(),
            "policies": [(c, policy_forms[c.pk]) for c in communes],
            "refusing": refusing,
        },
        status=status,
    )


@agent_view
@require_http_methods(["GET", "POST"])
def decide(request, pk: int):
    """GET shows the demande; POST accepts (the change is applied) or refuses it."""
    change = get_scoped_or_404(
        ContactChangeRequest.objects.select_related("famille", "responsable", "decided_by"),
        request.user,
        "famille__commune",
        pk=pk,
    )
    if request.method == "GET":
        return render(request, "backoffice/contacts_demande.html", {"change": change})
    form = ContactDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez d'accepter ou de refuser la demande."))
        return _render_index(request, status=400)
    try:
        decided = contact_change_decide(
            change=change,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
            actor=request.user,
            now=now(),
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return _render_index(request, status=400, refusing=change.pk)
    if decided.status == ContactChangeRequest.Status.ACCEPTED:
        messages.success(request, _("Changement accepté et appliqué."))
    else:
        messages.success(request, _("Changement refusé ; la famille voit le motif."))
    return redirect("backoffice:contacts")


@agent_view
@require_http_methods(["GET", "POST"])
def policy(request, pk: int):
    """The commune's rule per contact field; GET shows the same page."""
    commune = get_scoped_or_404(Commune.objects.all(), request.user, "pk", pk=pk)
    if request.method == "GET":
        return _render_index(request)
    form = ContactPolicyForm(request.POST, modes=contact_modes(commune), prefix=f"c{commune.pk}")
    if not form.is_valid():
        forms = {
            c.pk: ContactPolicyForm(modes=contact_modes(c), prefix=f"c{c.pk}") for c in agent_communes(request.user)
        }
        forms[commune.pk] = form
        return _render_index(request, status=400, policy_forms=forms)
    for field, mode in form.cleaned_data.items():
        contact_policy_set(commune=commune, contact_field=field, mode=mode, actor=request.user)
    messages.success(request, _("Règles de %(commune)s enregistrées.") % {"commune": commune.name})
    return redirect("backoffice:contacts")
