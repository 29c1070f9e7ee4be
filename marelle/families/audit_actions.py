"""Audit codes written about families, responsables and children (see marelle/audit/labels.py)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "famille.updated": _("Famille modifiée"),
    "responsable.updated": _("Responsable modifié : %(name)s"),
    # Written by the parents' account page before there was one responsable_update.
    "responsable.contact_updated": _("Coordonnées du responsable modifiées"),
    "enfant.updated": _("Enfant modifié : %(name)s"),
    "contact_change.requested": _("Changement de coordonnées demandé : %(field)s"),
    "contact_change.accepted": _("Changement de coordonnées accepté : %(field)s"),
    "contact_change.refused": _("Changement de coordonnées refusé : %(field)s"),
    "contact_policy.updated": _("Règle de changement de coordonnées modifiée : %(field)s"),
}
