"""Régies and issued invoices for the payments, SEPA and export tests (built directly, not
through the invoicing run, so that these tests do not depend on prices)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from marelle.billing.models import Facture, FactureLine, Regie

_numbers = count(1)


def make_regie(commune, **kwargs) -> Regie:
    n = next(_numbers)
    defaults = {
        "name": f"Régie périscolaire de {commune.name}",
        "code": f"PERI{n}",
        "invoice_prefix": f"T{n}",
        "payment_backend": "dummy",
        "sepa_ics": "FR12ZZZ123456",
        "sepa_creditor_name": f"Régie de {commune.name}",
        "sepa_iban": "FR7630006000011234567890189",
        "sepa_bic": "AGRIFRPP",
        "pes_collectivite": "21380095000017",
        "pes_budget": "01",
        "pes_poste_comptable": "038001",
        "pes_code_produit": "7067",
    }
    defaults.update(kwargs)
    return Regie.objects.create(commune=commune, **defaults)


def make_facture(
    responsable,
    regie,
    total: str | Decimal = "38.40",
    *,
    issued_on: dt.date = dt.date(2026, 11, 2),
    due_on: dt.date | None = None,
    run=None,
    lines: list[tuple[str, str]] | None = None,
) -> Facture:
    n = next(_numbers)
    facture = Facture.objects.create(
        famille=responsable.famille,
        responsable=responsable,
        regie=regie,
        run=run,
        number=f"{regie.invoice_prefix}-{issued_on.year}-{n:06d}",
        sequence=n,
        issued_on=issued_on,
        due_on=due_on or issued_on + dt.timedelta(days=20),
        total=Decimal(total),
        month=issued_on.replace(day=1),
    )
    for position, (label, amount) in enumerate(lines or [("Restauration scolaire", str(total))]):
        FactureLine.objects.create(
            facture=facture,
            position=position,
            label=label,
            quantity=Decimal("1"),
            unit_price=Decimal(amount),
            amount=Decimal(amount),
        )
    return facture
