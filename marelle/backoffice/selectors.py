"""Back-office reads that span the agent's communes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from marelle.billing.models import Facture, Payment
from marelle.billing.selectors import ZERO

_MONEY = DecimalField(max_digits=12, decimal_places=2)


@dataclass(frozen=True)
class Unpaid:
    total: Decimal
    invoices: int
    familles: int


def unpaid_summary(commune_ids: Iterable[int]) -> Unpaid:
    """What the families of these communes still owe on their invoices, in one query.

    The same rule as `billing.selectors.unpaid_invoices` (one family's list): issued
    invoices whose payments do not cover the total, counted for what remains. The
    payments are summed in a correlated subquery, so that the outer sum is plain."""
    paid = (
        Payment.objects.filter(facture=OuterRef("pk"))
        .order_by()
        .values("facture")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    row = (
        Facture.objects.filter(status=Facture.Status.ISSUED, famille__commune_id__in=list(commune_ids))
        .annotate(
            remaining=F("total") - Coalesce(Subquery(paid, output_field=_MONEY), Value(ZERO), output_field=_MONEY)
        )
        .filter(remaining__gt=0)
        .aggregate(total=Sum("remaining"), invoices=Count("pk"), familles=Count("famille", distinct=True))
    )
    return Unpaid(total=(row["total"] or ZERO).quantize(ZERO), invoices=row["invoices"], familles=row["familles"])
