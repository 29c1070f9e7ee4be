"""Régies, prices, invoicing runs, invoices and their lines.

Which service belongs to which régie lives here, in `ServiceBilling`, not on
`planning.Service`: billing reads the planning, the planning never imports billing.

An issued invoice is immutable: its number, amounts and lines never change; corrections are
credit notes (`kind=credit_note`, `credit_of` = the invoice corrected) or regularisation
lines on a later invoice. `BilledCell` records exactly which (child, service, day, state,
quantity, price) each line billed, so that a re-run bills only what is new and a late
change becomes a regularisation.
"""

from __future__ import annotations

import contextlib
import threading
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from marelle.families.models import Enfant, Famille, Responsable
from marelle.planning.models import Service
from marelle.territory.models import Commune

MONEY = {"max_digits": 12, "decimal_places": 2}
# Unit prices keep four decimals (a 15 % sibling reduction of 3,15 € is 2,6775 €): the
# amount is rounded once, per line.
UNIT_PRICE = {"max_digits": 12, "decimal_places": 4}


class PrivateInvoiceStorage(FileSystemStorage):
    """Invoice PDFs, outside the web root (never under MEDIA_URL): served by scoped views only.

    The location is read from the settings at each use, so that tests can move it."""

    @property
    def base_location(self):
        root = getattr(settings, "PRIVATE_MEDIA_ROOT", None) or Path(settings.MEDIA_ROOT).parent / "private"
        return str(Path(root) / "factures")

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @cached_property
    def base_url(self):
        return None


_invoice_storage = PrivateInvoiceStorage()


def invoice_storage() -> PrivateInvoiceStorage:
    return _invoice_storage


class Regie(models.Model):
    """A commune's collection office: its own invoice numbering, payment settings and
    the treasury's codes. A commune may have several (e.g. périscolaire and restauration)."""

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="regies")
    name = models.CharField(_("nom"), max_length=150)
    code = models.CharField(_("code"), max_length=20, help_text=_("Court, unique dans la commune, ex. PERI."))
    invoice_prefix = models.CharField(
        _("préfixe des numéros de facture"), max_length=12, help_text=_("ex. CHA : factures CHA-2026-000001")
    )
    due_days = models.PositiveSmallIntegerField(_("délai d'échéance (jours)"), default=30)
    invoice_text = models.TextField(_("texte imprimé sur les factures"), blank=True)
    address = models.TextField(_("adresse de la régie (paiement en mairie)"), blank=True)
    # eopayment backend kind ("dummy", "tipi", "payfip_ws"…) and its options.
    payment_backend = models.CharField(_("paiement en ligne : service"), max_length=30, blank=True, default="dummy")
    payment_options = models.JSONField(_("paiement en ligne : options"), default=dict, blank=True)
    payfip_client_id = models.CharField(_("numéro client PayFiP / TIPI"), max_length=20, blank=True)
    sepa_ics = models.CharField(_("identifiant créancier SEPA (ICS)"), max_length=35, blank=True)
    sepa_creditor_name = models.CharField(_("nom du créancier SEPA"), max_length=70, blank=True)
    sepa_iban = models.CharField(_("IBAN du créancier"), max_length=34, blank=True)
    sepa_bic = models.CharField(_("BIC du créancier"), max_length=11, blank=True)
    pes_collectivite = models.CharField(_("PES : code collectivité"), max_length=20, blank=True)
    pes_budget = models.CharField(_("PES : code budget"), max_length=10, blank=True)
    pes_poste_comptable = models.CharField(_("PES : poste comptable"), max_length=10, blank=True)
    pes_code_produit = models.CharField(_("PES : code produit"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("régie")
        verbose_name_plural = _("régies")
        ordering = ["commune", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="regie_unique_code"),
            models.UniqueConstraint(fields=["invoice_prefix"], name="regie_unique_prefix"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune})"


class ServiceBilling(models.Model):
    """The régie a service belongs to (one régie per service)."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="billing")
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="service_links")

    class Meta:
        verbose_name = _("régie du service")
        verbose_name_plural = _("régies des services")

    def __str__(self) -> str:
        return f"{self.service} → {self.regie}"

    def clean(self) -> None:
        if self.service_id and self.regie_id and self.service.etablissement.commune_id != self.regie.commune_id:
            raise ValidationError(_("La régie doit être celle de la commune du service."))


class Tarif(models.Model):
    """A service's prices over a period: brackets of quotient familial, the prices of an
    *Absent facturé* and of *Heure hors contrat régulier*, and sibling reductions."""

    class Unit(models.TextChoices):
        DAY = "day", _("jour")
        MEAL = "meal", _("repas")
        SLOT = "slot", _("créneau")
        HALF_HOUR = "half_hour", _("demi-heure commencée (pointage)")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="tarifs")
    valid_from = models.DateField(_("valable du"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    unit = models.CharField(_("unité"), max_length=10, choices=Unit.choices, default=Unit.DAY)
    out_of_contract_price = models.DecimalField(
        _("prix hors contrat régulier"),
        **UNIT_PRICE,
        null=True,
        blank=True,
        help_text=_("Par unité ; vide = le prix de la tranche."),
    )
    absence_billed_price = models.DecimalField(
        _("prix d'une absence facturée"),
        **UNIT_PRICE,
        null=True,
        blank=True,
        help_text=_("Par unité ; vide = le prix de la tranche."),
    )
    # {"2": "10", "3": "20"}: percentage off from the 2nd child, from the 3rd child (and
    # beyond); children ranked by age among the family's children enrolled in the service.
    sibling_reductions = models.JSONField(_("réductions fratrie (%)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("tarif")
        verbose_name_plural = _("tarifs")
        ordering = ["service", "-valid_from"]
        indexes = [models.Index(fields=["service", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.service} — {self.valid_from:%d/%m/%Y}"

    def clean(self) -> None:
        if self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(_("La fin de validité précède son début."))
        for rank, pct in (self.sibling_reductions or {}).items():
            try:
                ok = int(rank) >= 2 and Decimal("0") <= Decimal(str(pct)) <= Decimal("100")
            except (ValueError, ArithmeticError):
                ok = False
            if not ok:
                raise ValidationError(_("Réductions fratrie : rang ≥ 2 et pourcentage entre 0 et 100."))

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class TarifTranche(models.Model):
    """A bracket of quotient familial: qf_min ≤ QF ≤ qf_max (no qf_max: the top bracket)."""

    tarif = models.ForeignKey(Tarif, on_delete=models.CASCADE, related_name="tranches")
    qf_min = models.PositiveIntegerField(_("QF de"), default=0)
    qf_max = models.PositiveIntegerField(_("QF jusqu'à"), null=True, blank=True)
    price = models.DecimalField(_("prix"), **UNIT_PRICE)

    class Meta:
        verbose_name = _("tranche de QF")
        verbose_name_plural = _("tranches de QF")
        ordering = ["tarif", "qf_min"]
        constraints = [models.UniqueConstraint(fields=["tarif", "qf_min"], name="tranche_unique_min")]

    def __str__(self) -> str:
        return f"{self.qf_min}–{self.qf_max or '∞'} : {self.price}"


class InvoiceRun(models.Model):
    """One issue of a month's invoices for a régie. A month may be run again: the new run
    bills only what was not billed yet, plus regularisations."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        ISSUED = "issued", _("émise")

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="runs")
    month = models.DateField(_("mois"), help_text=_("Premier jour du mois facturé."))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"))
    issued_at = models.DateTimeField(_("émise le"), null=True, blank=True)
    invoice_count = models.PositiveIntegerField(_("factures"), default=0)
    total = models.DecimalField(_("montant"), **MONEY, default=Decimal("0.00"))

    class Meta:
        verbose_name = _("facturation mensuelle")
        verbose_name_plural = _("facturations mensuelles")
        ordering = ["-month", "-created_at"]
        indexes = [models.Index(fields=["regie", "month"])]
        # An agent needs it to issue a run or a credit note, cancel, export or send reminders.
        permissions = [("issue_invoices", _("Émettre, annuler et exporter les factures"))]

    def __str__(self) -> str:
        return f"{self.regie} {self.month:%m/%Y}"


class InvoiceNumberSequence(models.Model):
    """The last number given by a régie in a year. Locked (select_for_update) while a run
    or a credit note takes numbers, so that numbers have neither gaps nor duplicates."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="sequences")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["regie", "year"], name="sequence_unique_year")]

    def __str__(self) -> str:
        return f"{self.regie} {self.year}: {self.last}"


class ImmutableInvoiceError(ValidationError):
    """An issued invoice (or its lines) was about to be changed or deleted."""


# Fields a service may still change on an issued invoice: its payment status, and the PDF
# written once right after numbering (in the same transaction).
MUTABLE_FIELDS = frozenset({"status", "pdf"})
_purge = threading.local()


@contextlib.contextmanager
def allow_invoice_deletion():
    """Only for wiping a whole demo or test territory: lets issued invoices be deleted."""
    _purge.active = True
    try:
        yield
    finally:
        _purge.active = False


def _purging() -> bool:
    return getattr(_purge, "active", False)


class ImmutableQuerySet(models.QuerySet):
    mutable_fields: frozenset[str] = frozenset()

    def delete(self):
        if not _purging():
            raise ImmutableInvoiceError(_("Une facture émise ne peut pas être supprimée : émettez un avoir."))
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def update(self, **kwargs):
        if set(kwargs) - self.mutable_fields and not _purging():
            raise ImmutableInvoiceError(_("Une facture émise ne peut pas être modifiée : émettez un avoir."))
        return super().update(**kwargs)

    update.alters_data = True


class FactureQuerySet(ImmutableQuerySet):
    mutable_fields = MUTABLE_FIELDS


class Facture(models.Model):
    """An invoice (or a credit note, `kind=credit_note`), addressed to the paying responsable."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("émise")
        PAID = "paid", _("payée")
        CANCELLED = "cancelled", _("annulée")

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("facture")
        CREDIT_NOTE = "credit_note", _("avoir")

    famille = models.ForeignKey(Famille, on_delete=models.PROTECT, related_name="factures")
    # Invoices go to the responsable who pays the services invoiced.
    responsable = models.ForeignKey(Responsable, on_delete=models.PROTECT, related_name="factures")
    number = models.CharField(_("numéro"), max_length=30, unique=True)
    issued_on = models.DateField(_("émise le"))
    due_on = models.DateField(_("échéance"))
    # Always positive; a credit note's total is what it gives back.
    total = models.DecimalField(_("montant"), **MONEY)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, null=True, blank=True, related_name="factures")
    run = models.ForeignKey(InvoiceRun, on_delete=models.PROTECT, null=True, blank=True, related_name="factures")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    credit_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("avoir sur la facture"),
    )
    month = models.DateField(_("mois facturé"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("numéro d'ordre"), null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=255, blank=True)
    pdf = models.FileField(_("PDF"), storage=invoice_storage, upload_to="%Y/%m/", blank=True)
    issued_at = models.DateTimeField(_("émise à"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FactureQuerySet.as_manager()

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-issued_on", "-number"]
        indexes = [
            models.Index(fields=["famille", "issued_on"]),
            models.Index(fields=["regie", "status", "due_on"], name="facture_regie_status_due"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding and not _purging():
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) - MUTABLE_FIELDS:
                raise ImmutableInvoiceError(_("Une facture émise ne peut pas être modifiée : émettez un avoir."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not _purging():
            raise ImmutableInvoiceError(_("Une facture émise ne peut pas être supprimée : émettez un avoir."))
        return super().delete(*args, **kwargs)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE


class FactureLineQuerySet(ImmutableQuerySet):
    pass


class FactureLine(models.Model):
    """child × service × count × unit price, saying how the price was found."""

    facture = models.ForeignKey(Facture, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    enfant = models.ForeignKey(Enfant, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    label = models.CharField(_("libellé"), max_length=255)
    quantity = models.DecimalField(_("quantité"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("prix unitaire"), **UNIT_PRICE)
    amount = models.DecimalField(_("montant"), **MONEY)
    price_explanation = models.CharField(_("calcul du prix"), max_length=255, blank=True)
    state = models.CharField(_("état"), max_length=20, blank=True)
    day_from = models.DateField(null=True, blank=True)
    day_to = models.DateField(null=True, blank=True)
    days = models.PositiveIntegerField(_("nombre de jours"), default=0)
    is_regularisation = models.BooleanField(_("régularisation"), default=False)

    objects = FactureLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["facture", "position", "id"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        if not self._state.adding and not _purging():
            raise ImmutableInvoiceError(_("Une facture émise ne peut pas être modifiée : émettez un avoir."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not _purging():
            raise ImmutableInvoiceError(_("Une facture émise ne peut pas être supprimée : émettez un avoir."))
        return super().delete(*args, **kwargs)


class BilledCell(models.Model):
    """What one line billed for one cell (child × service × day): a regularisation adds a
    row with the opposite quantity and amount, so the sum per cell is what stands billed."""

    line = models.ForeignKey(FactureLine, on_delete=models.CASCADE, related_name="cells")
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="+")
    enfant = models.ForeignKey(Enfant, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    state = models.CharField(max_length=20)
    quantity = models.DecimalField(max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(**UNIT_PRICE)

    objects = FactureLineQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["regie", "date"], name="billedcell_regie_date"),
            models.Index(fields=["enfant", "service", "date"], name="billedcell_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.enfant_id} {self.service_id} {self.date} {self.state} × {self.quantity}"
