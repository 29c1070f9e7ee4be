"""Payer en ligne: the parent picks unpaid invoices, the bank takes the card, Marelle hears
back twice (the bank's notification, server to server, and the browser's return) and
counts the payment once."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from marelle.billing.models import Payment, Regie
from marelle.billing.services.payments import ZERO, money, open_invoices
from marelle.billing.services.payments_online import PaymentError, payment_notify, payment_start
from marelle.families.selectors import responsable_for
from marelle.portal.access import ResponsableRequiredMixin
from marelle.portal.forms_payments import PayForm

logger = logging.getLogger("marelle.billing.payments")


def _standin_url(request) -> str:
    try:
        return request.build_absolute_uri(reverse("standin_bank:pay"))
    except NoReverseMatch:
        return ""


class PayerView(ResponsableRequiredMixin, TemplateView):
    """GET: the responsable's unpaid invoices to tick; POST: start paying the ticked ones."""

    template_name = "portal/billing/pay.html"

    def get_context_data(self, **kwargs):
        responsable = responsable_for(self.request.user)
        factures = list(open_invoices(famille=responsable.famille, responsable=responsable).select_related("regie"))
        selected = {int(pk) for pk in self.request.GET.getlist("facture") if pk.isdigit()}
        return super().get_context_data(
            factures=factures,
            selected=selected or {f.pk for f in factures},
            total=sum((money(f.remaining) for f in factures), ZERO),
            **kwargs,
        )

    def post(self, request):
        form = PayForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choisissez au moins une facture à payer."))
            return redirect("portal:payer")
        try:
            started = payment_start(
                responsable=responsable_for(request.user),
                facture_ids=form.cleaned_data["factures"],
                return_url=lambda ref: request.build_absolute_uri(reverse("portal:paiement_retour", args=[ref])),
                notify_url=lambda regie: request.build_absolute_uri(
                    reverse("portal:paiement_notification", args=[regie.pk])
                ),
                standin_url=_standin_url(request),
                actor=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("portal:payer")
        except PaymentError as exc:
            messages.error(request, str(exc))
            return redirect("portal:payer")
        target = started.redirect
        if target.url:
            return HttpResponseRedirect(target.url)
        return render(request, "portal/billing/pay_redirect.html", {"target": target, "payment": started.payment})


class PaymentReturnView(ResponsableRequiredMixin, TemplateView):
    """Where the bank sends the browser back: the payment of the logged-in family only.
    The query string, when the bank adds one, is handled like the notification."""

    template_name = "portal/billing/pay_return.html"

    def get_context_data(self, **kwargs):
        responsable = responsable_for(self.request.user)
        payment = get_object_or_404(
            Payment.objects.select_related("regie"),
            famille=responsable.famille,
            reference=self.kwargs["reference"],
            method=Payment.Method.CARD,
        )
        query = self.request.META.get("QUERY_STRING", "")
        if query and payment.regie is not None:
            payment_notify(regie=payment.regie, query_string=query, now=timezone.now())
            payment.refresh_from_db()
        return super().get_context_data(payment=payment, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")  # the bank posts here, server to server
class PaymentNotificationView(View):
    def get(self, request, regie_pk: int):
        return self._handle(request, regie_pk, request.META.get("QUERY_STRING", ""))

    def post(self, request, regie_pk: int):
        body = request.body.decode("utf-8", errors="replace")
        return self._handle(request, regie_pk, body or request.META.get("QUERY_STRING", ""))

    def _handle(self, request, regie_pk: int, query: str):
        regie = get_object_or_404(Regie, pk=regie_pk)
        if not query:
            raise Http404
        result = payment_notify(regie=regie, query_string=query, now=timezone.now())
        if result.outcome == "unknown":
            return HttpResponse("unknown transaction", status=404, content_type="text/plain")
        if result.outcome == "refused":
            return HttpResponse("refused", status=400, content_type="text/plain")
        return HttpResponse(result.return_content or "OK", content_type="text/plain")
