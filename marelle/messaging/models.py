"""Messages between the commune and a family (the Boîte de réception)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from marelle.families.models import Famille


class Message(models.Model):
    famille = models.ForeignKey(Famille, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("message"))
    # True: sent by the commune to the family; False: sent by the family.
    from_commune = models.BooleanField(_("envoyé par la commune"), default=True)
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["famille", "read_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
