"""Audit codes written by the planning (see marelle/audit/labels.py).

Cell changes have their own trail (CellChange); these are the other planning writes."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "inscription.created": _("Inscription à %(service)s (%(year)s)"),
    "contrat.created": _(
        "Contrat régulier créé : %(service)s du %(start_date)s au %(end_date)s (%(booked)s jour(s) réservé(s))"
    ),
    "contrat.changed": _("Contrat régulier modifié à partir du %(from)s : %(service)s"),
    "closure.created": _(
        "Fermeture créée : %(label)s du %(start_date)s au %(end_date)s (%(cells_closed)s réservation(s) annulée(s))"
    ),
    "closure.deleted": _("Fermeture supprimée : %(label)s du %(start_date)s au %(end_date)s"),
}
