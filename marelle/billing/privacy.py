"""This app's part of the family's RGPD export and of the purge (the contract: marelle/privacy/__init__.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from marelle.billing.models import BilledCell, Facture, FactureLine, Payment
from marelle.billing.selectors import payments_of
from marelle.families.models import Enfant, Famille, Responsable


def export_tables(famille: Famille, *, responsable: Responsable | None = None) -> dict[str, tuple]:
    factures = Facture.objects.filter(famille=famille)
    payments = Payment.objects.filter(famille=famille)
    if responsable is not None:  # a separated parent: what is addressed to them
        factures = factures.filter(responsable=responsable)
        payments = payments.filter(payments_of(responsable))
    return {
        "factures": (
            factures.order_by("issued_on", "id"),
            ("id", "number", "responsable_id", "issued_on", "due_on", "total", "status"),
            {"status": Facture.Status},
        ),
        "paiements": (
            payments.order_by("received_on", "id"),
            ("id", "facture__number", "amount", "received_on", "method"),
            {"method": Payment.Method},
        ),
    }


def purge_holds(familles: QuerySet[Famille]) -> dict[int, str]:
    """Invoices and payments are the commune's accounting records: they outlive the family
    (public accounting keeps them for years), and a family with an invoice due stays too."""

    def famille_ids(rows: QuerySet) -> set[int]:
        return set(rows.filter(famille__in=familles).values_list("famille_id", flat=True).distinct())

    holds = dict.fromkeys(famille_ids(Facture.objects.all()) | famille_ids(Payment.objects.all()), "accounting")
    holds.update(dict.fromkeys(famille_ids(Facture.objects.filter(status=Facture.Status.ISSUED)), "unpaid"))
    return holds


def enfant_purge_holds(enfants: QuerySet[Enfant]) -> dict[int, str]:
    """A billed child stays: invoice lines name them and are the commune's accounting records."""
    billed = set(FactureLine.objects.filter(enfant__in=enfants).values_list("enfant_id", flat=True).distinct())
    billed |= set(BilledCell.objects.filter(enfant__in=enfants).values_list("enfant_id", flat=True).distinct())
    return dict.fromkeys(billed, "accounting")
