"""Pointage: one sheet per service and day, closed once by the animateur or an agent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AttendanceSheet(models.Model):
    """Exists once a sheet is closed: closing is what bills the no-shows, so it happens once."""

    service = models.ForeignKey("planning.Service", on_delete=models.CASCADE, related_name="attendance_sheets")
    date = models.DateField(_("jour"))
    closed_at = models.DateTimeField(_("clôturée le"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("par")
    )

    class Meta:
        verbose_name = _("feuille de pointage")
        verbose_name_plural = _("feuilles de pointage")
        constraints = [models.UniqueConstraint(fields=["service", "date"], name="attendance_sheet_unique_day")]

    def __str__(self) -> str:
        return f"{self.service} {self.date:%d/%m/%Y}"
