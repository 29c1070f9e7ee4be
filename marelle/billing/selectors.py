"""Reads of a family's account, shaped for the Accueil and the Relevé de compte."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from marelle.billing.models import Facture, Payment
from marelle.families.models import Famille

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=12, decimal_places=2)


def balance_on(famille: Famille, day: dt.date) -> Decimal:
    """Payments received minus invoices issued up to `day`: negative means the family owes money."""
    invoiced = (
        Facture.objects.filter(famille=famille, issued_on__lte=day)
        .exclude(status=Facture.Status.CANCELLED)
        .aggregate(s=Sum("total"))["s"]
        or ZERO
    )
    paid = Payment.objects.filter(famille=famille, received_on__lte=day).aggregate(s=Sum("amount"))["s"] or ZERO
    return (paid - invoiced).quantize(ZERO)


def unpaid_invoices(famille: Famille) -> QuerySet[Facture]:
    """Issued invoices not fully paid, oldest due first, each with `paid` and `remaining`."""
    return (
        Facture.objects.filter(famille=famille, status=Facture.Status.ISSUED)
        .select_related("responsable")
        .annotate(paid=Coalesce(Sum("payments__amount"), Value(ZERO), output_field=_MONEY))
        .annotate(remaining=F("total") - F("paid"))
        .filter(remaining__gt=0)
        .order_by("due_on", "number")
    )


@dataclass(frozen=True)
class StatementLine:
    day: dt.date
    label: str
    debit: Decimal | None
    credit: Decimal | None
    balance: Decimal


def statement(famille: Famille) -> list[StatementLine]:
    """Invoices (debit) and payments (credit) in date order with a running balance."""
    events: list[tuple[dt.date, int, str, Decimal | None, Decimal | None]] = []
    for f in Facture.objects.filter(famille=famille).exclude(status=Facture.Status.CANCELLED):
        events.append((f.issued_on, 0, f"Facture {f.number}", f.total, None))
    for p in Payment.objects.filter(famille=famille):
        events.append((p.received_on, 1, f"Paiement ({p.get_method_display()})", None, p.amount))
    events.sort(key=lambda e: (e[0], e[1]))
    running = ZERO
    lines = []
    for day, _order, label, debit, credit in events:
        running = running - (debit or ZERO) + (credit or ZERO)
        lines.append(StatementLine(day, label, debit, credit, running))
    return lines
