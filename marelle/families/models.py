"""Families, their responsables (each with a login of their own) and children."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from marelle.territory.models import Commune, Etablissement

numero_famille_validator = RegexValidator(r"^\d{6,16}$", _("Le numéro famille ne contient que des chiffres."))


class Famille(models.Model):
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="familles")
    numero = models.CharField(_("numéro famille"), max_length=16, unique=True, validators=[numero_famille_validator])
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    quotient_familial = models.PositiveIntegerField(_("quotient familial"), null=True, blank=True)
    qf_valid_from = models.DateField(_("QF valable du"), null=True, blank=True)
    qf_valid_until = models.DateField(_("QF valable jusqu'au"), null=True, blank=True)
    # SEPA direct debit mandate ("Prélèvement : Oui/Non" in the child card).
    direct_debit = models.BooleanField(_("prélèvement"), default=False)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    mandate_reference = models.CharField(_("RUM"), max_length=35, blank=True)
    mandate_signed_on = models.DateField(_("mandat signé le"), null=True, blank=True)
    # Off for separated parents: each responsable then acts on the services they pay and sees
    # only their own invoices and contact details (marelle/families/access.py).
    shared_access = models.BooleanField(
        _("accès partagé entre les responsables"),
        default=True,
        help_text=_(
            "Décochez pour des parents séparés : chacun ne réserve, n'annule et ne déclare d'absence que sur "
            "les services qu'il paie, voit les autres en lecture seule, et ne voit que ses propres factures, "
            "paiements et coordonnées."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("famille")
        verbose_name_plural = _("familles")
        ordering = ["numero"]

    def __str__(self) -> str:
        return self.numero


class Responsable(models.Model):
    class Civilite(models.TextChoices):
        MME = "Mme", _("Madame")
        M = "M.", _("Monsieur")

    famille = models.ForeignKey(Famille, on_delete=models.CASCADE, related_name="responsables")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="responsable"
    )
    civilite = models.CharField(_("civilité"), max_length=4, choices=Civilite.choices, blank=True)
    nom = models.CharField(_("nom"), max_length=100)
    prenom = models.CharField(_("prénom"), max_length=100)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    notify_by_email = models.BooleanField(_("notifications par courriel"), default=True)
    # The interface language the parent chose (the footer's switch); empty: the browser's.
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("responsable")
        verbose_name_plural = _("responsables")
        ordering = ["nom", "prenom"]

    def __str__(self) -> str:
        return f"{self.nom} {self.prenom}".strip()

    @property
    def display_name(self) -> str:
        return f"{self.get_civilite_display()} {self.nom} {self.prenom}".strip()


class Enfant(models.Model):
    famille = models.ForeignKey(Famille, on_delete=models.CASCADE, related_name="enfants")
    nom = models.CharField(_("nom"), max_length=100)
    prenom = models.CharField(_("prénom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"))
    birth_place = models.CharField(_("lieu de naissance"), max_length=100, blank=True)
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, null=True, blank=True, related_name="enfants"
    )
    classe = models.CharField(_("classe"), max_length=50, blank=True)
    # Health data: shown only to those who need it (pointage, agents), never in lists.
    allergies = models.TextField(_("allergies"), blank=True)
    pai = models.BooleanField(_("PAI (projet d'accueil individualisé)"), default=False)
    authorized_pickup = models.TextField(_("personnes autorisées à venir chercher l'enfant"), blank=True)
    photo_consent = models.BooleanField(_("droit à l'image"), default=False)
    left_on = models.DateField(_("parti le"), null=True, blank=True)

    class Meta:
        verbose_name = _("enfant")
        verbose_name_plural = _("enfants")
        ordering = ["prenom", "nom"]

    def __str__(self) -> str:
        return f"{self.nom} {self.prenom}"

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def has_health_flag(self) -> bool:
        return self.pai or bool(self.allergies.strip())


class ContactField(models.TextChoices):
    """The contact details a parent changes from Mon compte."""

    EMAIL = "email", _("courriel")
    PHONE = "phone", _("téléphone")
    ADDRESS = "address", _("adresse postale")


class ContactPolicy(models.Model):
    """How a commune takes a parent's change of one contact detail: at once, or as a
    demande an agent accepts. No row: CONTACT_POLICY_DEFAULTS."""

    class Mode(models.TextChoices):
        APPLY = "apply", _("appliqué tout de suite")
        REQUEST = "request", _("soumis à un agent")

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="contact_policies")
    field = models.CharField(_("coordonnée"), max_length=10, choices=ContactField.choices)
    mode = models.CharField(_("changement"), max_length=10, choices=Mode.choices)

    class Meta:
        verbose_name = _("règle de changement de coordonnées")
        verbose_name_plural = _("règles de changement de coordonnées")
        constraints = [models.UniqueConstraint(fields=["commune", "field"], name="one_contact_policy_per_field")]

    def __str__(self) -> str:
        return f"{self.commune} {self.field}: {self.mode}"


# The address decides the school sector and the billing: by default an agent checks it.
CONTACT_POLICY_DEFAULTS = {
    ContactField.EMAIL: ContactPolicy.Mode.APPLY,
    ContactField.PHONE: ContactPolicy.Mode.APPLY,
    ContactField.ADDRESS: ContactPolicy.Mode.REQUEST,
}


class ContactChangeRequest(models.Model):
    """A parent's change of a contact detail waiting for an agent (the commune's policy)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        ACCEPTED = "accepted", _("acceptée")
        REFUSED = "refused", _("refusée")
        REPLACED = "replaced", _("remplacée par une demande plus récente")

    famille = models.ForeignKey(Famille, on_delete=models.CASCADE, related_name="contact_change_requests")
    responsable = models.ForeignKey(Responsable, on_delete=models.CASCADE, related_name="contact_change_requests")
    field = models.CharField(_("coordonnée"), max_length=10, choices=ContactField.choices)
    # {"email": "…"}, {"phone": "…"} or {"address": …, "postal_code": …, "city": …}
    old_value = models.JSONField(_("valeur actuelle"))
    new_value = models.JSONField(_("nouvelle valeur"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("demandée le"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    agent_comment = models.TextField(_("commentaire de l'agent"), blank=True)

    class Meta:
        verbose_name = _("demande de changement de coordonnées")
        verbose_name_plural = _("demandes de changement de coordonnées")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["responsable", "field"],
                condition=models.Q(status="pending"),
                name="one_pending_contact_change_per_field",
            )
        ]

    def __str__(self) -> str:
        return f"{self.responsable} {self.field} ({self.status})"
