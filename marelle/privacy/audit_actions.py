"""Audit codes written by the privacy app: exports and purges (see marelle/audit/labels.py)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "famille.data_exported": _("Export des données personnelles (RGPD)"),
    "famille.purged": _("Famille effacée (durée de conservation échue)"),
    "enfant.purged": _("Enfant effacé (parti le %(left_on)s)"),
}
