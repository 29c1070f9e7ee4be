"""The demo's billing: a régie per demo commune, prices with QF brackets for every demo
service, last month invoiced through the real service, ZTEST owing one unpaid invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Permission

from marelle.billing.models import (
    BilledCell,
    Facture,
    FactureLine,
    InvoiceNumberSequence,
    InvoiceRun,
    Payment,
    PaymentAllocation,
    Regie,
    SepaDebit,
    SepaMandat,
    ServiceBilling,
    Tarif,
    TarifTranche,
)

# (service name, unit, price per QF bracket ≤ 400 / ≤ 800 / above or unknown)
PRICES = {
    "GARDERIE MATIN": (Tarif.Unit.HALF_HOUR, ("0.40", "0.60", "0.80")),
    "GARDERIE MIDI": (Tarif.Unit.DAY, ("0.50", "0.80", "1.00")),
    "RESTAURATION": (Tarif.Unit.MEAL, ("1.20", "3.20", "4.10")),
    "GARDERIE SOIR": (Tarif.Unit.HALF_HOUR, ("0.40", "0.60", "0.80")),
}


def load_demo_billing(*, communes, services, school_start: dt.date, agents) -> None:
    """A régie per demo commune owning its services, QF-bracket prices from the school
    year's start, and the billing permission for the demo agents (so they can issue)."""
    for slug, commune in communes.items():
        regie_with_prices(commune, services[slug], prefix=f"{slug[:3].upper()}P", valid_from=school_start)
    permission = Permission.objects.get(content_type__app_label="billing", codename="issue_invoices")
    for agent in agents:
        agent.user.user_permissions.add(permission)


def regie_with_prices(commune, services: dict, *, prefix: str, valid_from: dt.date) -> Regie:
    """A régie for `commune` owning `services` (by name), with QF-bracket prices from `valid_from`."""
    regie = Regie.objects.create(
        commune=commune,
        name=f"Régie périscolaire de {commune.name}",
        code="PERI",
        invoice_prefix=prefix,
        invoice_text="Merci de régler avant l'échéance, en ligne, par prélèvement ou en mairie.",
        address=f"Mairie de {commune.name}",
        sepa_ics="FR12ZZZ123456",
        sepa_creditor_name=f"Régie périscolaire de {commune.name}"[:70],
        sepa_iban="FR7630001007941234567890185",
        sepa_bic="BDFEFRPPCCT",
    )
    for name, service in services.items():
        unit, prices = PRICES[name]
        ServiceBilling.objects.create(service=service, regie=regie)
        tarif = Tarif.objects.create(
            service=service,
            valid_from=valid_from,
            unit=unit,
            out_of_contract_price=Decimal(prices[-1]) * 2,
            absence_billed_price=Decimal(prices[-1]),
        )
        for low, high, price in zip((0, 401, 801), (400, 800, None), prices, strict=True):
            TarifTranche.objects.create(tarif=tarif, qf_min=low, qf_max=high, price=Decimal(price))
    return regie


def delete_demo_billing(familles, communes) -> None:
    """Everything billing hangs on the demo's families and communes (inside allow_invoice_deletion)."""
    SepaDebit.objects.filter(facture__famille__in=familles).delete()
    PaymentAllocation.objects.filter(facture__famille__in=familles).delete()
    Payment.objects.filter(famille__in=familles).delete()
    SepaMandat.objects.filter(responsable__famille__in=familles).delete()
    BilledCell.objects.filter(enfant__famille__in=familles).delete()
    FactureLine.objects.filter(facture__famille__in=familles).delete()
    Facture.objects.filter(famille__in=familles, credit_of__isnull=False).delete()
    Facture.objects.filter(famille__in=familles).delete()
    InvoiceRun.objects.filter(regie__commune__in=communes).delete()
    InvoiceNumberSequence.objects.filter(regie__commune__in=communes).delete()
    ServiceBilling.objects.filter(regie__commune__in=communes).delete()
    Tarif.objects.filter(service__etablissement__commune__in=communes).delete()
    Regie.objects.filter(commune__in=communes).delete()


def load_demo_last_month(*, now: dt.datetime, commune, mandate_payer) -> None:
    """Last month attended and invoiced through the real run (so the ZTEST family owes an
    unpaid invoice it can pay at the stand-in bank), and a family under SEPA mandate."""
    from django.db.models import Q
    from django.utils import timezone

    from marelle.billing.services.runs import invoice_run_issue
    from marelle.billing.services.sepa import mandat_create
    from marelle.planning.models import Cell, CellState, Inscription
    from marelle.territory.models import Closure

    today = timezone.localdate(now)
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    closures = list(
        Closure.objects.filter(commune=commune, start_date__lte=month_end, end_date__gte=month).values_list(
            "start_date", "end_date"
        )
    )
    cells = []
    inscriptions = Inscription.objects.filter(
        Q(service__etablissement__commune=commune), start_date__lte=month_end, end_date__gte=month
    ).select_related("service")
    for inscription in inscriptions:
        service = inscription.service
        if service.tracks_times:
            continue  # billed by the half-hour from attendance times: left to the pointage
        day = month
        while day <= month_end:
            open_day = str(day.weekday()) in service.weekdays and not any(a <= day <= b for a, b in closures)
            if open_day and inscription.start_date <= day <= inscription.end_date:
                cells.append(
                    Cell(
                        enfant_id=inscription.enfant_id,
                        service=service,
                        date=day,
                        state=CellState.PRESENT,
                        state_since=now,
                    )
                )
            day += dt.timedelta(days=1)
    Cell.objects.bulk_create(cells, ignore_conflicts=True)
    regie = Regie.objects.get(commune=commune)
    invoice_run_issue(regie=regie, month=month, actor=None, now=now)
    mandat_create(
        responsable=mandate_payer,
        iban="FR7630006000011234567890189",
        signed_on=month,
        actor=None,
        now=now,
        regie=regie,
    )
