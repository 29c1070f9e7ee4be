"""Invoices and payments: just enough for the family's balance and unpaid invoices.

The invoicing run, PDFs and exports come with the billing issue; these tables are the ones
it will fill. Money is Decimal, never float.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from marelle.families.models import Famille, Responsable


class Facture(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", _("émise")
        PAID = "paid", _("payée")
        CANCELLED = "cancelled", _("annulée")

    famille = models.ForeignKey(Famille, on_delete=models.PROTECT, related_name="factures")
    # Invoices go to the responsable who pays the services invoiced.
    responsable = models.ForeignKey(Responsable, on_delete=models.PROTECT, related_name="factures")
    number = models.CharField(_("numéro"), max_length=30, unique=True)
    issued_on = models.DateField(_("émise le"))
    due_on = models.DateField(_("échéance"))
    total = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.ISSUED)

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-issued_on", "-number"]
        indexes = [models.Index(fields=["famille", "issued_on"])]

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    class Method(models.TextChoices):
        CARD = "card", _("carte bancaire en ligne")
        DIRECT_DEBIT = "direct_debit", _("prélèvement")
        CHEQUE = "cheque", _("chèque")
        CASH = "cash", _("espèces")
        CESU = "cesu", _("CESU")

    famille = models.ForeignKey(Famille, on_delete=models.PROTECT, related_name="payments")
    facture = models.ForeignKey(Facture, on_delete=models.PROTECT, null=True, blank=True, related_name="payments")
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    received_on = models.DateField(_("reçu le"))
    method = models.CharField(_("moyen de paiement"), max_length=15, choices=Method.choices)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["famille", "received_on"])]

    def __str__(self) -> str:
        return f"{self.amount} € ({self.get_method_display()}, {self.received_on:%d/%m/%Y})"
