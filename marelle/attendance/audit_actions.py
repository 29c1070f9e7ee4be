"""Audit codes written by the pointage (see marelle/audit/labels.py)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "pointage.heures": _("Heures d'arrivée ou de départ modifiées"),
}
