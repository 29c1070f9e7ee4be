"""Labels of the billing audit codes (b2 appends the payments and SEPA ones at the end)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "run.previewed": _("Facturation prévisualisée (%(month)s)"),
    "run.issued": _("Facturation émise (%(month)s) : %(count)s factures"),
    "facture.issued": _("Facture émise n° %(number)s"),
    "facture.credit_note_issued": _("Avoir n° %(number)s émis sur la facture %(credit_of)s"),
    "facture.reminder_sent": _("Relance envoyée pour la facture n° %(number)s"),
    "tarif.created": _("Tarif créé"),
    "tarif.updated": _("Tarif modifié"),
    "regie.updated": _("Régie modifiée"),
    # Payments and SEPA (payments side)
    "payment.received": _("Paiement enregistré"),
    "payment.online_confirmed": _("Paiement en ligne confirmé"),
    "payment.rejected": _("Paiement refusé"),
    "mandat.created": _("Mandat SEPA créé"),
    "sepa.batch_created": _("Fichier de prélèvements créé"),
}
