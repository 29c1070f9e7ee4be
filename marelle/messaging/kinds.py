"""The kinds of notice a family receives, each one a stable code.

A responsable chooses, per kind, "boîte de réception seulement" or "boîte de réception et
courriel" (NotificationPreference); without a choice, a notice goes to both.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MESSAGE = "message", _("Messages de la mairie")
    DEMANDE = "demande", _("Réponses à mes demandes (réservations, absences)")
    PLACE = "place", _("Places libérées sur liste d'attente")
    FERMETURE = "fermeture", _("Fermetures de service et réservations rétablies")
    FACTURE = "facture", _("Factures")
    PAIEMENT = "paiement", _("Paiements et prélèvements")
    RELANCE = "relance", _("Relances d'impayés")
    DOCUMENT = "document", _("Documents validés ou refusés")


# Kinds a responsable may switch off by email (all of them today; the inbox always gets it).
CHOOSABLE_KINDS: tuple[str, ...] = tuple(Kind.values)
