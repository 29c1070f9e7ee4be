"""Facturation — payments received at the desk and their daily journal, SEPA mandates, the
monthly direct-debit file and its rejects, the treasury exports. Every query starts from the
agent's communes; generating or downloading a bank or treasury file needs the billing
permission (billing.issue_invoices)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marelle.backoffice.access import agent_view
from marelle.backoffice.forms_paiements import (
    FamilleLookupForm,
    JournalForm,
    MandatForm,
    PaymentForm,
    RejectForm,
    RevokeForm,
    SepaBatchForm,
)
from marelle.backoffice.scoping import get_scoped_or_404, scoped
from marelle.backoffice.views.common import add_service_errors, flash_service_errors, now, today
from marelle.billing.formatting import money
from marelle.billing.models import InvoiceRun, Regie, SepaBatch, SepaDebit, SepaMandat
from marelle.billing.selectors_payments import payments_journal
from marelle.billing.services import exports, sepa
from marelle.billing.services.payments import open_invoices, payment_record
from marelle.families.models import Famille, Responsable

PERMISSION = "billing.issue_invoices"


def _regies(request):
    return scoped(Regie.objects.select_related("commune"), request.user, "commune").order_by("commune__name", "name")


def _require_billing_permission(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


# Payments -------------------------------------------------------------------------------


def _journal(request):
    data = request.GET.copy()
    data.setdefault("day", today().isoformat())
    form = JournalForm(data, regies=_regies(request))
    if not form.is_valid():
        return form, None
    regies = _regies(request)
    if form.cleaned_data["regie"]:
        regies = regies.filter(pk=form.cleaned_data["regie"].pk)
    return form, payments_journal(regies=regies, day=form.cleaned_data["day"])


@agent_view
def journal(request):
    form, journal = _journal(request)
    return render(
        request,
        "backoffice/billing/paiements.html",
        {"form": form, "journal": journal, "lookup": FamilleLookupForm(), "query": request.GET.urlencode()},
    )


@agent_view
def journal_csv(request):
    form, journal = _journal(request)
    if journal is None:
        return HttpResponse(_("Jour invalide."), status=400, content_type="text/plain; charset=utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("Reçu le"),
            _("Régie"),
            _("N° famille"),
            _("Payeur"),
            _("Moyen"),
            _("Référence"),
            _("Montant"),
            _("Factures"),
        ]
    )
    for p in journal.payments:
        writer.writerow(
            [
                p.received_on.isoformat(),
                p.regie.code,
                p.famille.numero,
                str(p.responsable or ""),
                p.get_method_display(),
                p.note or p.reference or "",
                f"{p.amount:.2f}".replace(".", ","),
                " ".join(a.facture.number for a in p.allocations.all()),
            ]
        )
    writer.writerow([_("Total"), "", "", "", "", "", f"{journal.total:.2f}".replace(".", ","), ""])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="journal_paiements_{journal.day:%Y-%m-%d}.csv"'
    return response


@agent_view
def payment_lookup(request):
    """From a numéro famille typed at the desk to that family's payment form."""
    form = FamilleLookupForm(request.GET)
    if form.is_valid():
        famille = scoped(Famille.objects, request.user, "commune").filter(numero=form.cleaned_data["numero"]).first()
        if famille is not None:
            return redirect("backoffice:paiement_create", pk=famille.pk)
        messages.error(request, _("Aucune famille de vos communes n'a ce numéro."))
    return redirect("backoffice:paiements")


@agent_view
def payment_create(request, pk: int):
    famille = get_scoped_or_404(Famille.objects.select_related("commune"), request.user, "commune", pk=pk)
    regies = _regies(request).filter(commune=famille.commune)
    form = PaymentForm(
        request.POST or None,
        initial={"received_on": today()},
        regies=regies,
        responsables=Responsable.objects.filter(famille=famille),
        factures=open_invoices(famille=famille).select_related("regie"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payment_record(
                famille=famille,
                regie=data["regie"],
                amount=data["amount"],
                method=data["method"],
                received_on=data["received_on"],
                responsable=data["responsable"],
                factures=list(data["factures"]) or None,
                note=data["note"],
                actor=request.user,
                now=now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Paiement de %(amount)s enregistré pour la famille %(numero)s.")
                % {"amount": money(payment.amount), "numero": famille.numero},
            )
            return redirect(f"{reverse('backoffice:paiements')}?day={payment.received_on.isoformat()}")
    return render(
        request,
        "backoffice/billing/paiements_form.html",
        {"form": form, "famille": famille, "open": list(form.fields["factures"].queryset)},
        status=400 if request.method == "POST" else 200,
    )


# Mandates -------------------------------------------------------------------------------


@agent_view
def mandats(request):
    rows = (
        scoped(SepaMandat.objects, request.user, "responsable__famille__commune")
        .select_related("responsable__famille", "regie")
        .order_by("revoked_on", "responsable__famille__numero", "-signed_on")
    )
    return render(
        request,
        "backoffice/billing/mandats.html",
        {"mandats": rows, "lookup": FamilleLookupForm(), "revoke": RevokeForm(initial={"revoked_on": today()})},
    )


@agent_view
def mandat_lookup(request):
    form = FamilleLookupForm(request.GET)
    if form.is_valid():
        famille = scoped(Famille.objects, request.user, "commune").filter(numero=form.cleaned_data["numero"]).first()
        if famille is not None:
            return redirect("backoffice:mandat_create", pk=famille.pk)
        messages.error(request, _("Aucune famille de vos communes n'a ce numéro."))
    return redirect("backoffice:mandats")


@agent_view
def mandat_create(request, pk: int):
    famille = get_scoped_or_404(Famille.objects.select_related("commune"), request.user, "commune", pk=pk)
    form = MandatForm(request.POST or None, responsables=Responsable.objects.filter(famille=famille))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mandat = sepa.mandat_create(
                responsable=data["responsable"],
                iban=data["iban"],
                bic=data["bic"],
                rum=data["rum"],
                signed_on=data["signed_on"],
                actor=request.user,
                now=now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Mandat %(rum)s enregistré.") % {"rum": mandat.rum})
            return redirect("backoffice:mandats")
    return render(
        request,
        "backoffice/billing/mandats_form.html",
        {"form": form, "famille": famille},
        status=400 if request.method == "POST" else 200,
    )


@agent_view
@require_POST
def mandat_revoke(request, pk: int):
    mandat = get_scoped_or_404(SepaMandat.objects, request.user, "responsable__famille__commune", pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date de révocation."))
        return redirect("backoffice:mandats")
    try:
        sepa.mandat_revoke(mandat=mandat, revoked_on=form.cleaned_data["revoked_on"], actor=request.user)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("Mandat %(rum)s révoqué.") % {"rum": mandat.rum})
    return redirect("backoffice:mandats")


# SEPA direct-debit files ------------------------------------------------------------------


@agent_view
def sepa_index(request):
    regies = _regies(request)
    form = SepaBatchForm(request.POST or None, regies=regies)
    if request.method == "POST":
        _require_billing_permission(request)
        if form.is_valid():
            try:
                batch = sepa.sepa_batch_create(
                    regie=form.cleaned_data["regie"],
                    collection_date=form.cleaned_data["collection_date"],
                    actor=request.user,
                    now=now(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Fichier de prélèvements créé : %(count)s prélèvement, %(total)s.",
                        "Fichier de prélèvements créé : %(count)s prélèvements, %(total)s.",
                        batch.count,
                    )
                    % {"count": batch.count, "total": money(batch.total)},
                )
                return redirect("backoffice:sepa_batch", pk=batch.pk)
    batches = (
        scoped(SepaBatch.objects, request.user, "regie__commune")
        .select_related("regie", "created_by")
        .order_by("-collection_date", "-pk")
    )
    return render(
        request,
        "backoffice/billing/sepa.html",
        {"form": form, "batches": batches, "can_export": request.user.has_perm(PERMISSION)},
        status=400 if request.method == "POST" else 200,
    )


@agent_view
def sepa_batch(request, pk: int):
    batch = get_scoped_or_404(SepaBatch.objects.select_related("regie"), request.user, "regie__commune", pk=pk)
    debits = batch.debits.select_related("facture", "mandat__responsable__famille").order_by("facture__number")
    return render(
        request,
        "backoffice/billing/sepa_batch.html",
        {
            "batch": batch,
            "debits": debits,
            "reject": RejectForm(initial={"rejected_on": today()}),
            "can_export": request.user.has_perm(PERMISSION),
        },
    )


@agent_view
def sepa_download(request, pk: int):
    batch = get_scoped_or_404(SepaBatch.objects.select_related("regie"), request.user, "regie__commune", pk=pk)
    _require_billing_permission(request)
    if not batch.file:
        raise Http404
    response = FileResponse(
        batch.file.open("rb"),
        as_attachment=True,
        filename=f"pain008_{batch.regie.code}_{batch.collection_date:%Y%m%d}.xml",
        content_type="application/xml",
    )
    response["Cache-Control"] = "no-store"
    return response


@agent_view
@require_POST
def sepa_reject(request, pk: int):
    debit = get_scoped_or_404(SepaDebit.objects.select_related("batch"), request.user, "batch__regie__commune", pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le motif et la date du rejet."))
    else:
        try:
            sepa.sepa_debit_reject(
                debit=debit,
                reason=form.cleaned_data["reason"],
                rejected_on=form.cleaned_data["rejected_on"],
                actor=request.user,
                now=now(),
            )
        except ValidationError as exc:
            flash_service_errors(request, exc)
        else:
            messages.success(
                request,
                _("Rejet enregistré : la facture %(number)s est de nouveau à régler et la famille est prévenue.")
                % {"number": debit.facture.number},
            )
    return redirect("backoffice:sepa_batch", pk=debit.batch_id)


# Treasury exports ---------------------------------------------------------------------------


@agent_view
def exports_index(request):
    runs = (
        scoped(InvoiceRun.objects, request.user, "regie__commune")
        .filter(status=InvoiceRun.Status.ISSUED)
        .select_related("regie", "pes_export")
        .order_by("-month", "regie__name")
    )
    return render(
        request,
        "backoffice/billing/exports.html",
        {"runs": runs, "can_export": request.user.has_perm(PERMISSION)},
    )


def _issued_run(request, pk: int) -> InvoiceRun:
    run = get_scoped_or_404(InvoiceRun.objects.select_related("regie"), request.user, "regie__commune", pk=pk)
    _require_billing_permission(request)
    if run.status != InvoiceRun.Status.ISSUED:
        raise Http404
    return run


@agent_view
def export_csv(request, pk: int):
    run = _issued_run(request, pk)
    response = HttpResponse(exports.run_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.csv_filename(run)}"'
    return response


@agent_view
def export_pes(request, pk: int):
    run = _issued_run(request, pk)
    try:
        content, filename = exports.run_pes(run=run, actor=request.user, now=now())
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect("backoffice:exports")
    response = HttpResponse(content, content_type="application/xml; charset=ISO-8859-1")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
