"""Services, deadline rules, inscriptions, the planning's cells and the demandes that change them.

A cell (child × service × day) is stored only when it is not free: a territory of
10,000 children has ~7 million cell-days a year, most of them free.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marelle.families.models import Enfant, Famille, Responsable
from marelle.territory.models import Commune, Etablissement, SchoolYear

WEEKDAY_LABELS = [_("lundi"), _("mardi"), _("mercredi"), _("jeudi"), _("vendredi"), _("samedi"), _("dimanche")]
weekdays_validator = RegexValidator(r"^[0-6]*$", _("Jours : chiffres de 0 (lundi) à 6 (dimanche), ex. 0134."))


def parse_weekdays(value: str) -> frozenset[int]:
    """ "0134" → {0, 1, 3, 4} (Monday = 0, as datetime.weekday())."""
    return frozenset(int(c) for c in value)


class DeadlineRule(models.Model):
    """Until when a request about day D may be made. Evaluated by `planning.deadlines`."""

    class Kind(models.TextChoices):
        CALENDAR_DAYS = "calendar_days", _("N jours calendaires avant, à HH:MM")
        WORKING_DAYS = "working_days", _("N jours ouvrés avant (hors week-ends et fériés), à HH:MM")
        WEEKDAY_PREVIOUS_WEEK = "weekday_previous_week", _("tel jour de la semaine précédente, à HH:MM")
        HOURS_BEFORE = "hours_before", _("N heures avant le début du service")

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="deadline_rules")
    label = models.CharField(_("nom"), max_length=100, blank=True)
    kind = models.CharField(_("forme"), max_length=30, choices=Kind.choices, default=Kind.CALENDAR_DAYS)
    days = models.PositiveSmallIntegerField(_("nombre de jours"), default=2)
    at_time = models.TimeField(_("heure limite"), default=dt.time(23, 59))
    weekday = models.PositiveSmallIntegerField(
        _("jour de la semaine (0 = lundi)"),
        default=1,
        choices=[(i, str(label)) for i, label in enumerate(WEEKDAY_LABELS)],
    )
    hours = models.PositiveSmallIntegerField(_("nombre d'heures"), default=24)

    class Meta:
        verbose_name = _("règle de délai")
        verbose_name_plural = _("règles de délai")

    def __str__(self) -> str:
        from marelle.planning.deadlines import describe_rule

        return self.label or describe_rule(self)


class PlanningDefaults(models.Model):
    """A commune's default deadline rules, used by services that set none of their own."""

    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, related_name="planning_defaults")
    booking_rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="+")
    cancel_rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("délais par défaut de la commune")
        verbose_name_plural = _("délais par défaut des communes")

    def __str__(self) -> str:
        return str(self.commune)


class Service(models.Model):
    class BookingMode(models.TextChoices):
        VALIDATION = "validation", _("sur validation")
        AUTOMATIC = "automatic", _("automatique")

    class BillingUnit(models.TextChoices):
        DAY = "day", _("par jour")
        SLOT = "slot", _("par créneau")
        HALF_HOUR = "half_hour", _("par demi-heure (pointage)")

    etablissement = models.ForeignKey(Etablissement, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(_("nom"), max_length=100)
    start_time = models.TimeField(_("début"))
    end_time = models.TimeField(_("fin"))
    weekdays = models.CharField(_("jours d'ouverture"), max_length=7, default="0134", validators=[weekdays_validator])
    capacity = models.PositiveIntegerField(_("capacité par jour"), null=True, blank=True)
    billing_unit = models.CharField(
        _("unité de facturation"), max_length=10, choices=BillingUnit.choices, default=BillingUnit.DAY
    )
    booking_mode = models.CharField(
        _("mode de réservation"), max_length=12, choices=BookingMode.choices, default=BookingMode.VALIDATION
    )
    tracks_times = models.BooleanField(_("pointage des heures d'arrivée et de départ"), default=False)
    booking_rule = models.ForeignKey(
        DeadlineRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("délai de réservation"),
    )
    cancel_rule = models.ForeignKey(
        DeadlineRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("délai d'annulation / absence"),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: dt.date) -> bool:
        return str(day.weekday()) in self.weekdays


class Inscription(models.Model):
    """A child enrolled in a service for a school year, with the responsable who pays."""

    enfant = models.ForeignKey(Enfant, on_delete=models.CASCADE, related_name="inscriptions")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="inscriptions")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="inscriptions")
    responsable = models.ForeignKey(Responsable, on_delete=models.PROTECT, related_name="inscriptions")
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(fields=["enfant", "service", "school_year"], name="inscription_unique"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="inscription_range_ok"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enfant} — {self.service}"

    def clean(self) -> None:
        if self.responsable_id and self.enfant_id and self.responsable.famille_id != self.enfant.famille_id:
            raise ValidationError(_("Le responsable payeur doit appartenir à la famille de l'enfant."))

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class ContratRegulier(models.Model):
    """The weekdays on which a child normally attends a service over a period."""

    inscription = models.ForeignKey(Inscription, on_delete=models.CASCADE, related_name="contrats")
    weekdays = models.CharField(_("jours"), max_length=7, validators=[weekdays_validator])
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contrat régulier")
        verbose_name_plural = _("contrats réguliers")
        ordering = ["start_date"]

    def __str__(self) -> str:
        days = ", ".join(str(WEEKDAY_LABELS[d]) for d in sorted(parse_weekdays(self.weekdays)))
        return gettext("%(inscription)s : %(days)s") % {"inscription": self.inscription, "days": days}


class CellState(models.TextChoices):
    """Every state of a planning cell but 'free', which is never stored (docs/domain.md#the-planning-and-its-states)."""

    PENDING = "pending", _("Demande en attente")
    BOOKED = "booked", _("Réservé")
    REFUSED = "refused", _("Réservation refusée")
    WAITING = "waiting", _("Liste d'attente")
    ABSENCE_PENDING = "absence_pending", _("Absence en cours de traitement")
    ABSENCE_EXCUSED = "absence_excused", _("Absent excusé")
    ABSENCE_BILLED = "absence_billed", _("Absent facturé")
    PRESENT = "present", _("Présent")
    OUT_OF_CONTRACT = "out_of_contract", _("Heure hors contrat régulier")
    ERROR = "error", _("Erreur")
    PARENTAL_LEAVE = "parental_leave", _("Congé parental")
    CLOSED = "closed", _("Fermeture")


FREE = "free"  # the state of a day with no stored cell

# States that hold one of the service's places for the day (capacity counting).
OCCUPYING_STATES = frozenset(
    {CellState.BOOKED, CellState.ABSENCE_PENDING, CellState.PRESENT, CellState.OUT_OF_CONTRACT, CellState.ERROR}
)


class Cell(models.Model):
    # No index of their own: the unique (enfant, service, date) and the (service, date, state)
    # indexes lead with them. Two indexes fewer to write on every booking and closure.
    enfant = models.ForeignKey(Enfant, on_delete=models.CASCADE, related_name="cells", db_index=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cells", db_index=False)
    date = models.DateField()
    state = models.CharField(max_length=20, choices=CellState.choices)
    # When the current state was entered: orders the waiting list.
    state_since = models.DateTimeField()
    demande = models.ForeignKey("Demande", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    from_contrat = models.BooleanField(default=False)
    arrival = models.TimeField(null=True, blank=True)
    departure = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("case du planning")
        verbose_name_plural = _("cases du planning")
        constraints = [models.UniqueConstraint(fields=["enfant", "service", "date"], name="cell_unique_day")]
        indexes = [models.Index(fields=["service", "date", "state"], name="cell_service_day_state")]

    def __str__(self) -> str:
        return f"{self.enfant} {self.service} {self.date}: {self.get_state_display()}"


class AbsenceReason(models.TextChoices):
    MEDICAL = "medical", _("RAISON MEDICALE")
    TRIP = "trip", _("VOYAGE OU SORTIE SCOLAIRE")
    TEACHER_ABSENT = "teacher_absent", _("ABSENCE DE L'ENSEIGNANT")
    STRIKE = "strike", _("GREVE DU PERSONNEL OU DES ENSEIGNANTS")
    ROAD_ACCIDENT = "road_accident", _("ACCIDENT DE LA CIRCULATION")
    SUPPORT_SESSION = "support_session", _("PARTICIPATION A UNE SEQUENCE DE SOUTIEN")
    FORCE_MAJEURE = "force_majeure", _("CAS DE FORCE MAJEURE")
    EXCEPTIONAL = "exceptional", _("CIRCONSTANCES EXCEPTIONNELLES")
    OTHER = "other", _("AUTRES")


class Demande(models.Model):
    class Kind(models.TextChoices):
        RESERVATION = "reservation", _("réservation")
        ABSENCE = "absence", _("absence")
        ANNULATION = "annulation", _("annulation")

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        ACCEPTED = "accepted", _("acceptée")
        REFUSED = "refused", _("refusée")
        CANCELLED = "cancelled", _("annulée")

    famille = models.ForeignKey(Famille, on_delete=models.CASCADE, related_name="demandes")
    enfant = models.ForeignKey(Enfant, on_delete=models.CASCADE, related_name="demandes")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("motif"), max_length=20, choices=AbsenceReason.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    document = models.FileField(_("justificatif"), upload_to="justificatifs/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("créée le"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    agent_comment = models.TextField(_("commentaire de l'agent"), blank=True)
    # A form's one-time token: a double click posts it twice, and makes one demande.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["famille", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.enfant} ({self.get_status_display()})"


class DemandeLine(models.Model):
    """One cell a demande is about, with the state it found and the state it led to."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)

    class Meta:
        ordering = ["date", "service__position"]
        indexes = [models.Index(fields=["service", "date"])]

    def __str__(self) -> str:
        return f"{self.service} {self.date}: {self.from_state} → {self.to_state}"


class CellChange(models.Model):
    """Audit trail: one line per cell transition — who, when, from → to, why."""

    enfant = models.ForeignKey(Enfant, on_delete=models.CASCADE, related_name="cell_changes")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(max_length=255, blank=True)
    demande = models.ForeignKey(Demande, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["enfant", "at"])]

    def __str__(self) -> str:
        return f"{self.enfant} {self.service} {self.date}: {self.from_state} → {self.to_state}"
