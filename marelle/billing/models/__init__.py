"""Billing data: régies, prices, runs, invoices (invoicing.py); payments (payments.py);
SEPA direct debit (sepa.py)."""

from marelle.billing.models.invoicing import (
    BilledCell,
    Facture,
    FactureLine,
    ImmutableInvoiceError,
    InvoiceNumberSequence,
    InvoiceRun,
    Regie,
    ServiceBilling,
    Tarif,
    TarifTranche,
    allow_invoice_deletion,
    invoice_storage,
)
from marelle.billing.models.payments import Payment, PaymentAllocation
from marelle.billing.models.sepa import PesExport, SepaBatch, SepaDebit, SepaMandat

__all__ = [
    "BilledCell",
    "Facture",
    "FactureLine",
    "ImmutableInvoiceError",
    "InvoiceNumberSequence",
    "InvoiceRun",
    "Payment",
    "PaymentAllocation",
    "PesExport",
    "Regie",
    "SepaBatch",
    "SepaDebit",
    "SepaMandat",
    "ServiceBilling",
    "Tarif",
    "TarifTranche",
    "allow_invoice_deletion",
    "invoice_storage",
]
