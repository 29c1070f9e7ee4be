"""The parent's account: Relevé de compte and the invoices' PDFs. Every query starts from
the logged-in responsable (separated parents each see the invoices addressed to them)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView, View

from marelle.billing.models import Facture
from marelle.billing.selectors import account_statement, balance_on
from marelle.billing.services.pdf import facture_pdf
from marelle.families.selectors import responsable_for
from marelle.portal.access import ResponsableRequiredMixin


def _year(value: str | None) -> int | None:
    """?annee=2026 → 2026; anything else → every year."""
    if value and value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return None


class ReleveView(ResponsableRequiredMixin, TemplateView):
    template_name = "portal/releve.html"

    def get_context_data(self, **kwargs):
        responsable = responsable_for(self.request.user)
        famille = responsable.famille
        today = timezone.localdate()
        year = _year(self.request.GET.get("annee"))
        statement = account_statement(famille, year, responsable=responsable)
        return super().get_context_data(
            statement=statement,
            lines=statement.lines,
            year=year,
            balance=balance_on(famille, today, responsable=responsable),
            today=today,
            **kwargs,
        )


class FacturePdfView(ResponsableRequiredMixin, View):
    """An invoice of the logged-in responsable as its stored PDF; anyone else's is a 404."""

    def get(self, request, pk: int):
        responsable = responsable_for(request.user)
        facture = get_object_or_404(
            Facture.objects.filter(famille=responsable.famille, responsable=responsable).select_related(
                "regie__commune", "famille", "responsable", "credit_of"
            ),
            pk=pk,
        )
        try:
            handle = facture_pdf(facture)
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type="application/pdf", filename=f"{facture.number}.pdf")
        response["Content-Disposition"] = f'inline; filename="{facture.number}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
