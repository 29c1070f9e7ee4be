"""SEPA direct debit: mandates of paying responsables, monthly batches and their debits.

Owned by the payments side of billing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marelle.billing.models.invoicing import MONEY, Facture, Regie, invoice_storage
from marelle.families.models import Responsable


class SepaMandat(models.Model):
    """A mandate belongs to the paying responsable (separated parents each sign their own)."""

    responsable = models.ForeignKey(Responsable, on_delete=models.PROTECT, related_name="sepa_mandats")
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, null=True, blank=True, related_name="mandats")
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    rum = models.CharField(_("RUM"), max_length=35, unique=True)
    signed_on = models.DateField(_("signé le"))
    first_collected_on = models.DateField(_("premier prélèvement le"), null=True, blank=True)
    revoked_on = models.DateField(_("révoqué le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("mandat SEPA")
        verbose_name_plural = _("mandats SEPA")
        ordering = ["-signed_on"]

    def __str__(self) -> str:
        return self.rum


class SepaBatch(models.Model):
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="sepa_batches")
    month = models.DateField(_("mois"), null=True, blank=True)
    collection_date = models.DateField(_("date de prélèvement"))
    file = models.FileField(_("fichier"), storage=invoice_storage, upload_to="sepa/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"))
    message_id = models.CharField(_("identifiant du message"), max_length=35, blank=True)
    count = models.PositiveIntegerField(_("prélèvements"), default=0)
    total = models.DecimalField(_("montant"), **MONEY, default=0)

    class Meta:
        verbose_name = _("lot de prélèvements")
        verbose_name_plural = _("lots de prélèvements")
        ordering = ["-collection_date"]

    def __str__(self) -> str:
        return f"{self.regie} {self.collection_date:%d/%m/%Y}"


class SepaDebit(models.Model):
    class Sequence(models.TextChoices):
        FRST = "FRST", _("premier")
        RCUR = "RCUR", _("récurrent")

    batch = models.ForeignKey(SepaBatch, on_delete=models.CASCADE, related_name="debits")
    facture = models.ForeignKey(Facture, on_delete=models.PROTECT, related_name="sepa_debits")
    mandat = models.ForeignKey(SepaMandat, on_delete=models.PROTECT, related_name="debits")
    amount = models.DecimalField(_("montant"), **MONEY)
    sequence = models.CharField(_("séquence"), max_length=4, choices=Sequence.choices)
    rejected_on = models.DateField(_("rejeté le"), null=True, blank=True)
    reject_reason = models.CharField(_("motif du rejet"), max_length=10, blank=True)
    # The direct-debit payment allocated to the invoice; failed when the debit is rejected.
    payment = models.OneToOneField(
        "billing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="sepa_debit"
    )
    end_to_end_id = models.CharField(_("référence de bout en bout"), max_length=35, blank=True)

    class Meta:
        verbose_name = _("prélèvement")
        verbose_name_plural = _("prélèvements")
        constraints = [
            # An invoice is in at most one live (not rejected) debit.
            models.UniqueConstraint(
                fields=["facture"], condition=models.Q(rejected_on__isnull=True), name="sepadebit_one_live_per_facture"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mandat} {self.amount}"


class PesExport(models.Model):
    """A run exported to the treasury: its bordereau number (IdBord) is given once, per
    régie and year, and kept when the file is downloaded again."""

    run = models.OneToOneField("billing.InvoiceRun", on_delete=models.PROTECT, related_name="pes_export")
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="pes_exports")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField(_("numéro de bordereau"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"))

    class Meta:
        verbose_name = _("bordereau PES")
        verbose_name_plural = _("bordereaux PES")
        constraints = [models.UniqueConstraint(fields=["regie", "year", "number"], name="pesexport_unique_number")]

    def __str__(self) -> str:
        return f"{self.regie} {self.year}/{self.number}"
