"""Reads of the payments side, shaped for the back office: the day's journal per régie,
mandates, direct-debit batches, exportable runs. Callers pass querysets already scoped to
the agent's communes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from marelle.billing.models import Payment, PaymentAllocation, Regie

ZERO = Decimal("0.00")


@dataclass
class Journal:
    day: dt.date
    payments: list[Payment]
    by_method: dict[str, Decimal] = field(default_factory=dict)
    by_regie: dict[Regie, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO


def payments_journal(*, regies: QuerySet[Regie], day: dt.date) -> Journal:
    """Confirmed payments received that day at these régies, with totals per method and régie."""
    payments = list(
        Payment.objects.filter(regie__in=regies, received_on=day, status=Payment.Status.CONFIRMED)
        .select_related("famille", "responsable", "regie", "recorded_by")
        .prefetch_related(Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("facture")))
        .order_by("regie__name", "method", "pk")
    )
    by_method: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_regie: dict[Regie, Decimal] = defaultdict(lambda: ZERO)
    for p in payments:
        by_method[p.get_method_display()] += p.amount
        by_regie[p.regie] += p.amount
    return Journal(day, payments, dict(by_method), dict(by_regie), sum((p.amount for p in payments), ZERO))
