from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from marelle.billing.models import Facture, Payment
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
