"""Audit codes written about communes and their calendars (see marelle/audit/labels.py)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "agent.otp_enrolled": _("Double authentification activée"),
    "daytype.created": _("Type de jour créé : %(code)s — %(label)s"),
    "calendar.public_holidays_imported": _(
        "Jours fériés importés (%(year)s) : %(created)s période(s) créée(s), %(updated)s mise(s) à jour"
    ),
    "calendar.school_holidays_imported": _(
        "Vacances scolaires importées (%(year)s) : %(created)s période(s) créée(s), %(updated)s mise(s) à jour"
    ),
}
