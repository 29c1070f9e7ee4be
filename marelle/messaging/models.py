"""The Boîte de réception (messages between the commune and a family) and the email outbox.

Every message belongs to one family: a message to a group (a commune, a school, a service,
the families booked on a day) is expanded at send time into one row per family, tied
together by its Broadcast. Read state is therefore per family, and a family's inbox is a
plain filter on its own rows.

Emails are never sent inside a request: `services.notify` writes an OutboxEmail row in the
caller's transaction and a worker (django-tasks, `manage.py db_worker`) sends it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from marelle.families.models import Famille, Responsable
from marelle.messaging.kinds import Kind
from marelle.messaging.storage import attachment_storage
from marelle.territory.models import Commune, Etablissement


class Broadcast(models.Model):
    """One message an agent sent to a group of families (each family got its own Message)."""

    class Audience(models.TextChoices):
        FAMILLE = "famille", _("Une famille")
        COMMUNE = "commune", _("Toutes les familles de la commune")
        ETABLISSEMENT = "etablissement", _("Les familles d'une école")
        SERVICE = "service", _("Les familles inscrites à un service")
        JOUR = "jour", _("Les familles ayant une réservation un jour donné")

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="broadcasts")
    audience = models.CharField(_("destinataires"), max_length=16, choices=Audience.choices)
    audience_label = models.CharField(_("destinataires"), max_length=255)
    etablissement = models.ForeignKey(Etablissement, on_delete=models.SET_NULL, null=True, blank=True)
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("message"))
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recipients = models.PositiveIntegerField(_("familles destinataires"), default=0)
    created_at = models.DateTimeField(_("envoyé le"))

    class Meta:
        verbose_name = _("envoi groupé")
        verbose_name_plural = _("envois groupés")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    famille = models.ForeignKey(Famille, on_delete=models.CASCADE, related_name="messages")
    # Set when the notice concerns one responsable only (their invoice, their payment):
    # the other responsable of a separated family does not see it.
    responsable = models.ForeignKey(
        Responsable, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.MESSAGE)
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("message"))
    # True: sent by the commune to the family; False: sent by the family.
    from_commune = models.BooleanField(_("envoyé par la commune"), default=True)
    # True for notices written by the application (demande acceptée, fermeture…).
    system = models.BooleanField(_("avis automatique"), default=False)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Replies hang under the first message of their conversation.
    thread = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    broadcast = models.ForeignKey(Broadcast, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages")
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    # The family opened a commune's message.
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    # The commune's side of a family's message: opened, then dealt with (traité).
    agent_read_at = models.DateTimeField(_("lu par la mairie le"), null=True, blank=True)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the notice is about (a demande, a closure, an invoice…), when there is one.
    related_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    related_id = models.CharField(max_length=40, blank=True)
    related = GenericForeignKey("related_type", "related_id")

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["famille", "read_at"]),
            models.Index(fields=["from_commune", "handled_at"]),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def root(self) -> Message:
        return self.thread if self.thread_id else self


class Attachment(models.Model):
    """A file attached to a message, stored outside the web root under a random name.

    The rows of one group message share the stored file (one copy on disk)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=attachment_storage, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class NotificationPreference(models.Model):
    """A responsable's choice for one kind of notice; no row means inbox + email."""

    responsable = models.ForeignKey(Responsable, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    by_email = models.BooleanField(_("aussi par courriel"), default=True)

    class Meta:
        verbose_name = _("choix de notification")
        verbose_name_plural = _("choix de notification")
        constraints = [models.UniqueConstraint(fields=["responsable", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.responsable} {self.kind} {self.by_email}"


class OutboxEmail(models.Model):
    """One email to send, written in the transaction of the change that causes it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec")

    famille = models.ForeignKey(Famille, on_delete=models.CASCADE, related_name="outbox_emails")
    responsable = models.ForeignKey(Responsable, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="emails")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    recipient = models.EmailField(_("destinataire"))
    subject = models.CharField(_("objet"), max_length=255)
    text = models.TextField()
    html = models.TextField(blank=True)
    status = models.CharField(_("état"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"))
    # A worker owns a row from claimed_at until it records the outcome; a row left in
    # "sending" longer than the lease (a worker killed mid-send) is taken back by the sweep.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"))

    class Meta:
        verbose_name = _("courriel à envoyer")
        verbose_name_plural = _("courriels à envoyer")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
