"""Payments (online, direct debit, at the town hall) and how they are allocated to invoices.

Owned by the payments side of billing. remaining(invoice) = total − allocations − credit notes.

Only a confirmed payment has allocations: an online payment is `pending` (it remembers in
`requested_factures` which invoices it was started for) until the bank's notification
confirms it; a rejected direct debit loses its allocations and becomes `failed`. What a
confirmed payment has not allocated is the family's credit, used by its next invoice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marelle.billing.models.invoicing import MONEY, Facture, Regie
from marelle.families.models import Famille, Responsable


class Payment(models.Model):
    class Method(models.TextChoices):
        CARD = "card", _("carte bancaire en ligne")
        DIRECT_DEBIT = "direct_debit", _("prélèvement")
        CHEQUE = "cheque", _("chèque")
        CASH = "cash", _("espèces")
        CESU = "cesu", _("CESU")
        TRANSFER = "transfer", _("virement")

    class Status(models.TextChoices):
        PENDING = "pending", _("en cours")
        CONFIRMED = "confirmed", _("confirmé")
        FAILED = "failed", _("refusé")
        EXPIRED = "expired", _("expiré")

    famille = models.ForeignKey(Famille, on_delete=models.PROTECT, related_name="payments")
    facture = models.ForeignKey(Facture, on_delete=models.PROTECT, null=True, blank=True, related_name="payments")
    amount = models.DecimalField(_("montant"), **MONEY)
    received_on = models.DateField(_("reçu le"))
    method = models.CharField(_("moyen de paiement"), max_length=15, choices=Method.choices)
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, null=True, blank=True, related_name="payments")
    responsable = models.ForeignKey(
        Responsable, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    reference = models.CharField(_("référence"), max_length=64, null=True, blank=True, unique=True)
    transaction_id = models.CharField(_("identifiant de transaction"), max_length=128, blank=True)
    backend = models.CharField(_("service de paiement"), max_length=30, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    # The agent's reference of a payment at the desk: cheque number, CESU numbers, transfer label.
    note = models.CharField(_("référence du moyen de paiement"), max_length=100, blank=True)
    # Ids of the invoices an online payment was started for, allocated once it is confirmed.
    requested_factures = models.JSONField(_("factures demandées"), default=list, blank=True)
    # What the bank sent (kept for the treasurer and for disputes), without card data.
    bank_data = models.JSONField(_("données de la banque"), default=dict, blank=True)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["famille", "received_on"]),
            models.Index(fields=["regie", "received_on"], name="payment_regie_day"),
            models.Index(fields=["status", "expires_at"], name="payment_status_expiry"),
            models.Index(fields=["backend", "transaction_id"], name="payment_transaction"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} € ({self.get_method_display()}, {self.received_on:%d/%m/%Y})"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    facture = models.ForeignKey(Facture, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("montant"), **MONEY)

    class Meta:
        verbose_name = _("affectation de paiement")
        verbose_name_plural = _("affectations de paiement")
        constraints = [models.UniqueConstraint(fields=["payment", "facture"], name="allocation_unique")]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.facture_id}: {self.amount}"
