"""The territory: communes, their schools, agents, and their calendars."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Couleur au format #RRGGBB."))


class Territory(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("ouvert")
        SOON = "soon", _("prochainement")
        OWN_PORTAL = "own_portal", _("portail propre")

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="communes")
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)
    insee_code = models.CharField(_("code INSEE"), max_length=5, blank=True)
    website = models.URLField(_("site internet"), blank=True)
    own_portal_url = models.URLField(_("adresse du portail propre"), blank=True)
    colour = models.CharField(_("couleur"), max_length=7, default="#1f5f8b", validators=[hex_colour])
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.OPEN)
    school_holiday_zone = models.CharField(_("zone de vacances scolaires"), max_length=1, default="A")
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Etablissement(models.Model):
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="etablissements")
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SchoolYear(models.Model):
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="school_years")
    label = models.CharField(_("libellé"), max_length=20, help_text=_("ex. 2026-2027"))
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))

    class Meta:
        verbose_name = _("année scolaire")
        verbose_name_plural = _("années scolaires")
        ordering = ["-start_date"]
        constraints = [models.UniqueConstraint(fields=["commune", "label"], name="schoolyear_unique_label")]

    def __str__(self) -> str:
        return f"{self.commune} {self.label}"

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


# The day types every commune starts with (territory.services.ensure_day_types), stored with
# their French label; while an agent keeps that label it is shown in the reader's language.
DEFAULT_DAY_TYPES = {
    "F": (gettext_noop("Jour férié / fermeture"), "#6d6d6d"),
    "P": (gettext_noop("Période sans accueil"), "#9e9e9e"),
}


def is_default_day_type(code: str, label: str) -> bool:
    return code in DEFAULT_DAY_TYPES and DEFAULT_DAY_TYPES[code][0] == label


def day_type_label(code: str, label: str) -> str:
    """A day type's label in the active language: a default one translated, an agent's own as typed."""
    return gettext(label) if is_default_day_type(code, label) else label


class DayType(models.Model):
    """A kind of day shown in the planning by its letter: F (férié / fermeture), P (période sans accueil)…"""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="day_types")
    code = models.CharField(_("lettre"), max_length=2)
    label = models.CharField(_("libellé"), max_length=100)
    colour = models.CharField(_("couleur"), max_length=7, default="#9e9e9e", validators=[hex_colour])

    class Meta:
        verbose_name = _("type de jour")
        verbose_name_plural = _("types de jour")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["commune", "code"], name="daytype_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} — {self.display_label}"

    @property
    def display_label(self) -> str:
        return day_type_label(self.code, self.label)


class Closure(models.Model):
    """Days without service: public holidays, school holidays, strikes, works.

    Applies to one établissement or the whole commune, and to some services or all
    (no service listed = all). Stored as a date range so that a whole holiday is one row.
    """

    class Source(models.TextChoices):
        MANUAL = "manual", _("saisie")
        PUBLIC_HOLIDAYS = "public_holidays", _("import jours fériés")
        SCHOOL_HOLIDAYS = "school_holidays", _("import vacances scolaires")

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="closures")
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    day_type = models.ForeignKey(DayType, on_delete=models.PROTECT, related_name="closures")
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    label = models.CharField(_("libellé"), max_length=200)
    services = models.ManyToManyField(
        "planning.Service", blank=True, related_name="closures", verbose_name=_("services (vide = tous)")
    )
    source = models.CharField(_("origine"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fermeture")
        verbose_name_plural = _("fermetures")
        ordering = ["start_date"]
        indexes = [models.Index(fields=["commune", "start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="closure_range_ok")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y})"


class Agent(models.Model):
    """A commune staff member: sees only the communes they are attached to."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent")
    communes = models.ManyToManyField(Commune, related_name="agents", verbose_name=_("communes"))
    is_animateur = models.BooleanField(_("animateur (pointage seulement)"), default=False)
    require_otp = models.BooleanField(_("double authentification exigée"), default=False)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()
