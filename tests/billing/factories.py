from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from marelle.billing.models import Facture, Payment, Regie, ServiceBilling, Tarif, TarifTranche
from tests.factories import FamilleFactory, ResponsableFactory


class FactureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facture

    famille = factory.SubFactory(FamilleFactory)
    responsable = factory.SubFactory(ResponsableFactory, famille=factory.SelfAttribute("..famille"))
    number = factory.Sequence(lambda n: f"F-2026-{n:06d}")
    issued_on = dt.date(2026, 10, 5)
    due_on = dt.date(2026, 10, 31)
    total = Decimal("50.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    famille = factory.SubFactory(FamilleFactory)
    amount = Decimal("10.00")
    received_on = dt.date(2026, 10, 20)
    method = Payment.Method.CHEQUE


class RegieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regie

    commune = factory.SubFactory("tests.factories.CommuneFactory")
    name = factory.Sequence(lambda n: f"Régie périscolaire {n}")
    code = factory.Sequence(lambda n: f"R{n}")
    invoice_prefix = factory.Sequence(lambda n: f"P{n}")
    due_days = 20
    invoice_text = "Régie de recettes périscolaires — Trésorerie de Saint-Marcellin."


def tarif_for(service, regie, *, prices=("2.10", "3.20", "4.10"), limits=(400, 800), **kwargs) -> Tarif:
    """A tarif with QF brackets [0–400], [401–800], [801–∞) by default, and the service in the régie."""
    ServiceBilling.objects.get_or_create(service=service, defaults={"regie": regie})
    kwargs.setdefault("valid_from", dt.date(2026, 9, 1))
    tarif = Tarif.objects.create(service=service, **kwargs)
    lows = (0, *(limit + 1 for limit in limits))
    highs = (*limits, None)
    for low, high, price in zip(lows, highs, prices, strict=True):
        TarifTranche.objects.create(tarif=tarif, qf_min=low, qf_max=high, price=Decimal(price))
    return tarif
