"""Back-office reads that span the agent's communes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from marelle.audit.labels import ChangeLine, render_entry
from marelle.audit.selectors import entries_about
from marelle.billing.models import Facture, Payment
from marelle.billing.selectors import ZERO
from marelle.families.models import Famille
from marelle.planning.models import FREE, CellState
from marelle.planning.selectors import famille_cell_changes

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


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: Any
    what: str
    reason: str = ""
    changes: tuple[ChangeLine, ...] = ()


def famille_history(famille: Famille, *, limit: int = 100) -> list[HistoryEntry]:
    """The family's page history, newest first: moves of its planning cells, and the audit
    lines about the family, its responsables and its children, read in the agent's
    language (labels and before → after rendered now, not when written)."""
    cells = famille_cell_changes(famille, limit=limit)
    about = [famille, *famille.responsables.all(), *famille.enfants.all()]
    entries = [
        HistoryEntry(
            at=c.at,
            actor=c.actor,
            what=_("%(child)s — %(service)s, %(day)s : %(from)s → %(to)s")
            % {
                "child": c.enfant.prenom,
                "service": c.service.name,
                "day": c.date.strftime("%d/%m/%Y"),
                "from": _state_label(c.from_state),
                "to": _state_label(c.to_state),
            },
            # Stored as the French source (gettext_noop where written), read in the agent's language.
            reason=_(c.reason) if c.reason else "",
        )
        for c in cells
    ]
    for log in entries_about(about, limit=limit):
        rendered = render_entry(log)
        entries.append(HistoryEntry(at=log.at, actor=log.actor, what=rendered.label, changes=tuple(rendered.changes)))
    return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]


def _state_label(state: str) -> str:
    if state == FREE:
        return _("Libre")
    try:
        return str(CellState(state).label)
    except ValueError:
        return state
