"""Documents the commune publishes (menus, règlement, tarifs) and those families send."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marelle.documents.storage import family_upload_to, private_storage, published_upload_to
from marelle.documents.validators import CONTENT_TYPES
from marelle.families.models import Famille, Responsable
from marelle.territory.models import Commune, Etablissement

EXTENSIONS = [(e, e.upper()) for e in CONTENT_TYPES]


class PublishedDocument(models.Model):
    """A document for all the commune's families, or for one school's, between two dates."""

    class Kind(models.TextChoices):
        MENU = "menu", _("Menu")
        REGLEMENT = "reglement", _("Règlement intérieur")
        TARIFS = "tarifs", _("Tarifs")
        INFO = "info", _("Information")

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="published_documents")
    # Empty: every family of the commune; set: only the families with a child at that school.
    etablissement = models.ForeignKey(
        Etablissement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="published_documents",
        verbose_name=_("école"),
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier"), storage=private_storage, upload_to=published_upload_to, max_length=200)
    extension = models.CharField(max_length=4, choices=EXTENSIONS)
    size = models.PositiveIntegerField(_("taille"))
    valid_from = models.DateField(_("valable du"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    published_at = models.DateTimeField(_("publié le"))

    class Meta:
        verbose_name = _("document publié")
        verbose_name_plural = _("documents publiés")
        ordering = ["kind", "-valid_from", "title"]
        indexes = [models.Index(fields=["commune", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="published_document_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


class FamilyDocument(models.Model):
    """A document a parent sent (attestation, justificatif), waiting for an agent's decision."""

    class Kind(models.TextChoices):
        ASSURANCE = "assurance", _("Attestation d'assurance")
        QUOTIENT = "quotient", _("Justificatif de quotient familial")
        CERTIFICAT = "certificat", _("Certificat médical")
        AUTRE = "autre", _("Autre justificatif")

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de vérification")
        VALIDATED = "validated", _("validé")
        REFUSED = "refused", _("refusé")

    famille = models.ForeignKey(Famille, on_delete=models.CASCADE, related_name="documents")
    responsable = models.ForeignKey(
        Responsable, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("fichier"), storage=private_storage, upload_to=family_upload_to, max_length=200)
    extension = models.CharField(max_length=4, choices=EXTENSIONS)
    size = models.PositiveIntegerField(_("taille"))
    # The name on the parent's computer, shown back to them; never used on disk.
    original_name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("envoyé le"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)

    class Meta:
        verbose_name = _("document de famille")
        verbose_name_plural = _("documents de famille")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["status", "uploaded_at"]), models.Index(fields=["famille", "uploaded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""), name="family_document_refusal_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.famille}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]
