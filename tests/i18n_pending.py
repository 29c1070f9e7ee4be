"""English translations of msgids added on a helper branch, before the lead copies them into
locale/en/LC_MESSAGES/django.po (helpers do not edit locale/). The `english_pending` fixture
puts them in the English catalogue for a test; a msgid the .po already translates is left alone,
so once the .po has them all this module is dead weight and can go.
"""

from __future__ import annotations

import pytest
from django.utils.translation import trans_real

PENDING = {
    "Avoir %(number)s (facture %(original)s)": "Credit note %(number)s (invoice %(original)s)",
    "Avoir %(number)s": "Credit note %(number)s",
    "Paiement (%(method)s)": "Payment (%(method)s)",
    "Période sans accueil": "Period without childcare",
    "%(day)s : %(state)s — modifier": "%(day)s: %(state)s — change",
    "Prélèvement (mandat SEPA)": "Direct debit (SEPA mandate)",
    "L'avoir ne peut pas dépasser ce qui reste de la facture (%(left)s).": (
        "The credit note cannot exceed what the invoice still owes (%(left)s)."
    ),
    "Paiement de %(amount)s enregistré pour la famille %(numero)s.": "Payment of %(amount)s recorded for family %(numero)s.",
    # A plural (ngettext): the singular msgid → its English (singular, plural).
    "Fichier de prélèvements créé : %(count)s prélèvement, %(total)s.": (
        "Direct debit file created: %(count)s debit, %(total)s.",
        "Direct debit file created: %(count)s debits, %(total)s.",
    ),
    "%(inscription)s : %(days)s": "%(inscription)s: %(days)s",
    "%(start)s – %(end)s : %(days)s jour(s) (%(contrat)s)": "%(start)s – %(end)s: %(days)s day(s) (%(contrat)s)",
    # marelle/billing/audit_actions.py: the amount comes formatted, with its currency sign.
    "Paiement de %(amount)s enregistré (%(method)s)": "Payment of %(amount)s recorded (%(method)s)",
    "Paiement en ligne de %(amount)s commencé (%(reference)s)": "Online payment of %(amount)s started (%(reference)s)",
    "Paiement en ligne de %(amount)s confirmé par la banque (%(reference)s)": (
        "Online payment of %(amount)s confirmed by the bank (%(reference)s)"
    ),
    "Crédit de %(amount)s utilisé pour la facture n° %(number)s": "Credit of %(amount)s used for invoice no. %(number)s",
    "Prélèvement de %(amount)s rejeté (%(reason)s) : facture n° %(number)s à régler": (
        "Direct debit of %(amount)s rejected (%(reason)s): invoice no. %(number)s to be paid"
    ),
    "Fichier de prélèvements créé : %(count)s prélèvements, %(total)s": (
        "Direct debit file created: %(count)s debits, %(total)s"
    ),
    # The language switch (families.Responsable.language, families.services.responsable_set_language).
    "langue": "language",
    "Langue inconnue.": "Unknown language.",
    # From main (separated parents), met by tests/portal/test_english_pages.py on the family pages.
    "Accès :": "Access:",
    "partagé — chaque responsable agit sur tous les services de la famille.": (
        "shared — each parent acts on all the family's services."
    ),
    "séparé": "separate",
    "chaque responsable n'agit que sur les services qu'il paie et ne voit que ses factures, paiements et coordonnées.": (
        "each parent acts only on the services they pay for and sees only their own invoices, payments "
        "and contact details."
    ),
    "Décochez pour des parents séparés : chacun ne réserve, n'annule et ne déclare d'absence que sur les services "
    "qu'il paie, voit les autres en lecture seule, et ne voit que ses propres factures, paiements et coordonnées.": (
        "Untick for separated parents: each one books, cancels and declares absences only on the services they "
        "pay for, sees the others read-only, and sees only their own invoices, payments and contact details."
    ),
    "accès partagé entre les responsables": "access shared between the parents",
    "Accès des responsables": "Parents' access",
    "Modifier l'accès": "Change the access",
}


@pytest.fixture
def english_pending():
    from marelle.planning import presentation

    catalog = trans_real.translation("en")._catalog
    added = []
    for msgid, english in PENDING.items():
        keys = [(msgid, i) for i in range(len(english))] if isinstance(english, tuple) else [msgid]
        values = english if isinstance(english, tuple) else [english]
        for key, value in zip(keys, values, strict=True):
            if key not in catalog:
                catalog[key] = value
                added.append(key)
    presentation._translated.cache_clear()
    yield
    for key in added:
        del catalog._catalogs[0][key]
    presentation._translated.cache_clear()
