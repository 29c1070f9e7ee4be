"""Labels of the billing audit codes (b2 appends the payments and SEPA ones at the end)."""

from django.utils.translation import gettext_lazy as _

from marelle.billing.formatting import money
from marelle.billing.models import Payment

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
    "payment.received": _("Paiement de %(amount)s enregistré (%(method)s)"),
    "payment.online_started": _("Paiement en ligne de %(amount)s commencé (%(reference)s)"),
    "payment.online_confirmed": _("Paiement en ligne de %(amount)s confirmé par la banque (%(reference)s)"),
    "payment.online_failed": _("Paiement en ligne refusé ou abandonné (%(reference)s)"),
    "payment.notification_refused": _("Notification de la banque refusée : %(reason)s"),
    "payment.expired": _("Paiement en ligne expiré sans confirmation de la banque"),
    "payment.credit_applied": _("Crédit de %(amount)s utilisé pour la facture n° %(number)s"),
    "payment.rejected": _("Prélèvement de %(amount)s rejeté (%(reason)s) : facture n° %(number)s à régler"),
    "mandat.created": _("Mandat SEPA %(rum)s créé"),
    "mandat.revoked": _("Mandat SEPA %(rum)s révoqué"),
    "sepa.batch_created": _("Fichier de prélèvements créé : %(count)s prélèvements, %(total)s"),
    "export.pes_created": _("Export PES de la facturation : bordereau n° %(number)s"),
}


def _method(code: str) -> str:
    return str(Payment.Method(code).label)


# Amounts are stored as strings ("86.70") and read as money in the reader's language; a
# payment method as its code ("cheque"), read as its label ("chèque").
DATA_FORMATS = {"amount": money, "total": money, "method": _method}
