"""The demo's billing: a régie per demo commune, prices with QF brackets for every demo
service, last month invoiced through the real service, ZTEST owing one unpaid invoice."""

from __future__ import annotations

from marelle.billing.models import (
    BilledCell,
    Facture,
    FactureLine,
    InvoiceNumberSequence,
    InvoiceRun,
    Payment,
    PaymentAllocation,
    Regie,
    SepaDebit,
    SepaMandat,
    ServiceBilling,
    Tarif,
)


def delete_demo_billing(familles, communes) -> None:
    """Everything billing hangs on the demo's families and communes (inside allow_invoice_deletion)."""
    SepaDebit.objects.filter(facture__famille__in=familles).delete()
    PaymentAllocation.objects.filter(facture__famille__in=familles).delete()
    Payment.objects.filter(famille__in=familles).delete()
    SepaMandat.objects.filter(responsable__famille__in=familles).delete()
    BilledCell.objects.filter(enfant__famille__in=familles).delete()
    FactureLine.objects.filter(facture__famille__in=familles).delete()
    Facture.objects.filter(famille__in=familles, credit_of__isnull=False).delete()
    Facture.objects.filter(famille__in=familles).delete()
    InvoiceRun.objects.filter(regie__commune__in=communes).delete()
    InvoiceNumberSequence.objects.filter(regie__commune__in=communes).delete()
    ServiceBilling.objects.filter(regie__commune__in=communes).delete()
    Tarif.objects.filter(service__etablissement__commune__in=communes).delete()
    Regie.objects.filter(commune__in=communes).delete()
