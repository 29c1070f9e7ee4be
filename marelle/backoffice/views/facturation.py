"""Facturation — the monthly invoicing run of a régie: choose the régie and the month, read
the preview (draft invoices per paying responsable, each line saying how its price was
found), then *Émettre*. Issuing needs the billing permission (billing.issue_invoices);
reading the preview, the runs and their invoices is open to the commune's agents."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marelle.backoffice.access import agent_view
from marelle.backoffice.forms_paiements import CreditNoteForm, FactureSearchForm, RunForm
from marelle.backoffice.scoping import get_scoped_or_404, scoped
from marelle.backoffice.views.common import now, today
from marelle.backoffice.views.paiements import PERMISSION, _regies, _require_billing_permission
from marelle.billing.formatting import month_label
from marelle.billing.models import Facture, InvoiceRun, Regie
from marelle.billing.selectors import invoices_for_agents, open_total
from marelle.billing.services.credit_notes import credit_note_issue
from marelle.billing.services.pdf import facture_pdf as stored_pdf
from marelle.billing.services.reminders import overdue, reminders_send
from marelle.billing.services.runs import BillingError, invoice_run_issue, invoice_run_preview
from marelle.core.dates import parse_month


def _regie_and_month(request, pk: int, month: str):
    regie = get_scoped_or_404(Regie.objects.select_related("commune"), request.user, "commune", pk=pk)
    first = parse_month(month)
    if first is None:
        raise Http404
    return regie, first


@agent_view
def runs(request):
    regies = _regies(request)
    last_month = today().replace(day=1) - dt.timedelta(days=1)  # the month one bills, early in the next
    form = RunForm(request.GET or None, regies=regies, initial={"month": last_month.strftime("%Y-%m")})
    if request.GET and form.is_valid():
        return redirect(
            "backoffice:facturation_preview", pk=form.cleaned_data["regie"].pk, month=form.cleaned_data["month"]
        )
    recent = (
        scoped(InvoiceRun.objects, request.user, "regie__commune")
        .filter(status=InvoiceRun.Status.ISSUED)
        .select_related("regie")
        .order_by("-issued_at", "-pk")[:24]
    )
    return render(
        request, "backoffice/billing/runs.html", {"form": form, "runs": recent, "has_regies": regies.exists()}
    )


@agent_view
def run_preview(request, pk: int, month: str):
    regie, first = _regie_and_month(request, pk, month)
    preview = invoice_run_preview(regie=regie, month=first)
    return render(
        request,
        "backoffice/billing/run_preview.html",
        {
            "preview": preview,
            "invoices": [draft for draft in preview.invoices if draft.lines],
            "month_slug": first.strftime("%Y-%m"),
            "month_label": month_label(first),
            "future": first > today().replace(day=1),
            "can_issue": request.user.has_perm(PERMISSION),
        },
    )


@agent_view
@require_POST
def run_issue(request, pk: int, month: str):
    regie, first = _regie_and_month(request, pk, month)
    _require_billing_permission(request)
    try:
        run = invoice_run_issue(regie=regie, month=first, actor=request.user, now=now())
    except BillingError as error:
        messages.error(request, error.message)
        return redirect("backoffice:facturation_preview", pk=regie.pk, month=month)
    messages.success(
        request,
        _("%(count)s facture(s) émise(s) pour %(month)s, %(regie)s.")
        % {"count": run.invoice_count, "month": month_label(first), "regie": regie.name},
    )
    return redirect("backoffice:facturation_run", pk=run.pk)


@agent_view
def run_detail(request, pk: int):
    run = get_scoped_or_404(InvoiceRun.objects.select_related("regie__commune"), request.user, "regie__commune", pk=pk)
    factures = run.factures.select_related("famille", "responsable").order_by("number")
    return render(request, "backoffice/billing/run_detail.html", {"run": run, "factures": factures})


@agent_view
def facture_pdf(request, pk: int):
    facture = get_scoped_or_404(
        Facture.objects.select_related("regie__commune", "famille", "responsable", "credit_of"),
        request.user,
        "famille__commune",
        pk=pk,
    )
    try:
        handle = stored_pdf(facture)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf", filename=f"{facture.number}.pdf")
    response["Content-Disposition"] = f'inline; filename="{facture.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# Invoices: list, unpaid, credit notes --------------------------------------------------


@agent_view
def factures(request):
    form = FactureSearchForm(request.GET or None)
    query, unpaid_only = "", False
    if form.is_valid():
        query, unpaid_only = form.cleaned_data["q"], form.cleaned_data["unpaid"]
    rows = invoices_for_agents(
        scoped(Facture.objects, request.user, "famille__commune"), query=query, unpaid_only=unpaid_only
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "backoffice/billing/factures.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "unpaid_total": open_total(scoped(Facture.objects, request.user, "famille__commune")),
            "can_credit": request.user.has_perm(PERMISSION),
            "today": today(),
            "overdue": overdue(scoped(Facture.objects, request.user, "famille__commune"), today=today()).count(),
        },
    )


@agent_view
def credit_note(request, pk: int):
    facture = get_scoped_or_404(
        Facture.objects.select_related("famille", "responsable", "regie"), request.user, "famille__commune", pk=pk
    )
    _require_billing_permission(request)
    form = CreditNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = credit_note_issue(
                facture=facture,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                amount=form.cleaned_data["amount"],
                now=now(),
            )
        except BillingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Avoir %(note)s émis sur la facture %(facture)s.") % {"note": note.number, "facture": facture.number},
            )
            return redirect(f"{reverse('backoffice:factures')}?q={facture.famille.numero}")
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/billing/credit_note.html", {"facture": facture, "form": form}, status=status)


@agent_view
@require_POST
def reminders(request):
    _require_billing_permission(request)
    sent = reminders_send(
        factures=scoped(Facture.objects, request.user, "famille__commune"), today=today(), now=now(), actor=request.user
    )
    if sent:
        messages.success(request, _("%(count)s relance(s) envoyée(s).") % {"count": sent})
    else:
        messages.info(
            request, _("Aucune facture échue à relancer (chacune est relancée au plus une fois par semaine).")
        )
    return redirect(f"{reverse('backoffice:factures')}?unpaid=on")
