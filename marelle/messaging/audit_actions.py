"""Audit codes written by messaging (see marelle/audit/labels.py)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "notification.retried": _("Nouvel essai d'envoi d'un courriel"),
    "message.sent": _("Message envoyé : %(subject)s"),
    "message.handled": _("Message traité : %(subject)s"),
    "message.reopened": _("Message remis à traiter : %(subject)s"),
    "notifications.choices_updated": _("Choix de notification modifiés"),
}
