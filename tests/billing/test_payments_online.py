"""Payer en ligne through eopayment's dummy backend and the stand-in bank: the notification
is idempotent, signed, amount-checked; unknown or forged ones pay nothing; pending ones expire."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from marelle.audit.models import LogEntry
from marelle.billing.models import Facture, Payment, PaymentAllocation
from marelle.billing.services.payments_backend import SIGNATURE_PARAM, sign_standin_notification
from marelle.billing.services.payments_online import payment_notify
from tests.billing.payments_setup import make_facture, make_regie

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _standin_bank(settings):
    settings.PAYMENT_STANDIN_BANK = True


@pytest.fixture
def regie(world):
    return make_regie(world.commune)


@pytest.fixture
def facture(world, regie):
    return make_facture(world.alice, regie, "38.40")


def start(client, *factures):
    """Alice clicks Payer en ligne: a pending payment and the stand-in bank's address."""
    response = client.post(reverse("portal:payer"), {"factures": [f.pk for f in factures]})
    assert response.status_code == 302, response.content
    payment = Payment.objects.get(status=Payment.Status.PENDING)
    return payment, response["Location"]


def bank_answer(payment, *, ok=True, amount=None, sign=True) -> str:
    params = [
        ("transaction_id", payment.transaction_id),
        ("amount", str(payment.amount if amount is None else amount)),
        ("signed", "1"),
        ("ok", "1") if ok else ("reason", "refused"),
    ]
    if sign:
        return sign_standin_notification(params)
    return "&".join(f"{k}={v}" for k, v in params)


def notify(client, regie, query):
    return client.post(
        reverse("portal:paiement_notification", args=[regie.pk]),
        query,
        content_type="application/x-www-form-urlencoded",
    )


def test_payer_sends_the_browser_to_the_standin_bank_with_the_amount(alice_client, facture):
    payment, location = start(alice_client, facture)
    url = urlsplit(location)
    assert url.path == reverse("standin_bank:pay")
    query = dict(parse_qsl(url.query))
    assert query["amount"] == "38.40"
    assert query["transaction_id"] == payment.transaction_id
    assert query["direct_notification_url"].endswith(reverse("portal:paiement_notification", args=[facture.regie.pk]))
    assert query["return_url"].endswith(reverse("portal:paiement_retour", args=[payment.reference]))
    assert payment.amount == Decimal("38.40")
    assert payment.requested_factures == [facture.pk]
    # Nothing is paid before the bank says so.
    assert not PaymentAllocation.objects.exists()


def test_notification_replayed_twice_counts_once(alice_client, client, facture, regie):
    payment, _ = start(alice_client, facture)
    query = bank_answer(payment)
    first = notify(client, regie, query)
    second = notify(client, regie, query)
    assert first.status_code == 200 and second.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CONFIRMED
    assert list(PaymentAllocation.objects.values_list("facture_id", "amount")) == [(facture.pk, Decimal("38.40"))]
    facture.refresh_from_db()
    assert facture.status == Facture.Status.PAID
    assert LogEntry.objects.filter(action="payment.online_confirmed").count() == 1
    # The browser's return carries the same answer: still paid once.
    page = alice_client.get(reverse("portal:paiement_retour", args=[payment.reference]) + "?" + query)
    assert "est accepté" in page.content.decode()
    assert PaymentAllocation.objects.count() == 1


@pytest.mark.parametrize("forgery", ["unsigned", "bad signature", "signature of another answer"])
def test_forged_notification_pays_nothing(alice_client, client, facture, regie, forgery):
    payment, _ = start(alice_client, facture)
    if forgery == "unsigned":
        query = bank_answer(payment, sign=False)
    elif forgery == "bad signature":
        query = bank_answer(payment, sign=False) + f"&{SIGNATURE_PARAM}=" + "0" * 64
    else:  # a genuine "refused" signature pasted onto an "ok" answer
        refused = dict(parse_qsl(bank_answer(payment, ok=False)))
        query = bank_answer(payment, sign=False) + f"&{SIGNATURE_PARAM}={refused[SIGNATURE_PARAM]}"
    response = notify(client, regie, query)
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not PaymentAllocation.objects.exists()
    assert LogEntry.objects.filter(action="payment.notification_refused", object_id=str(payment.pk)).exists()


def test_amount_mismatch_is_refused(alice_client, client, facture, regie):
    payment, _ = start(alice_client, facture)
    response = notify(client, regie, bank_answer(payment, amount="1.00"))
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not PaymentAllocation.objects.exists()
    entry = LogEntry.objects.get(action="payment.notification_refused")
    assert "amount 1.00" in entry.data["reason"]


def test_unknown_transaction_or_garbage_is_refused(client, regie, facture):
    params = [("transaction_id", "deadbeef"), ("amount", "38.40"), ("signed", "1"), ("ok", "1")]
    assert notify(client, regie, sign_standin_notification(params)).status_code == 404
    assert notify(client, regie, "hello=world").status_code == 400
    assert not Payment.objects.exists()


def test_notification_for_another_regie_pays_nothing(alice_client, client, world, facture):
    payment, _ = start(alice_client, facture)
    other = make_regie(world.other_commune)
    assert notify(client, other, bank_answer(payment)).status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_refused_by_the_bank_leaves_the_invoice_unpaid(alice_client, client, facture, regie):
    payment, _ = start(alice_client, facture)
    assert notify(client, regie, bank_answer(payment, ok=False)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    facture.refresh_from_db()
    assert facture.status == Facture.Status.ISSUED
    page = alice_client.get(reverse("portal:paiement_retour", args=[payment.reference]))
    assert "n'a pas abouti" in page.content.decode()


def test_a_payment_never_confirmed_stays_pending_then_expires(alice_client, facture, regie, settings):
    settings.PAYMENT_EXPIRY_MINUTES = 30
    payment, _ = start(alice_client, facture)
    call_command("expire_payments")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    page = alice_client.get(reverse("portal:paiement_retour", args=[payment.reference]))
    assert "en cours" in page.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        call_command("expire_payments")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    assert not PaymentAllocation.objects.exists()


def test_a_late_confirmation_of_an_expired_payment_is_kept(alice_client, facture, regie):
    """The bank took the money: the payment is confirmed even after it expired."""
    payment, _ = start(alice_client, facture)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.EXPIRED)
    result = payment_notify(regie=regie, query_string=bank_answer(payment), now=NOW)
    assert result.outcome == "confirmed"
    facture.refresh_from_db()
    assert facture.status == Facture.Status.PAID


def test_several_invoices_are_paid_in_one_payment(alice_client, client, world, regie):
    first = make_facture(world.alice, regie, "20.00", issued_on=dt.date(2026, 10, 1))
    second = make_facture(world.alice, regie, "15.50", issued_on=dt.date(2026, 11, 2))
    payment, location = start(alice_client, first, second)
    assert dict(parse_qsl(urlsplit(location).query))["amount"] == "35.50"
    notify(client, regie, bank_answer(payment))
    assert set(PaymentAllocation.objects.values_list("facture_id", "amount")) == {
        (first.pk, Decimal("20.00")),
        (second.pk, Decimal("15.50")),
    }


def test_invoices_of_two_regies_are_not_paid_together(alice_client, world, facture):
    other_regie = make_regie(world.commune)
    other = make_facture(world.alice, other_regie, "10.00")
    response = alice_client.post(reverse("portal:payer"), {"factures": [facture.pk, other.pk]}, follow=True)
    assert "même régie" in response.content.decode()
    assert not Payment.objects.exists()


def test_another_familys_invoice_cannot_be_paid(alice_client, world):
    bob_regie = make_regie(world.other_commune)
    bobs = make_facture(world.bob, bob_regie, "12.00")
    response = alice_client.post(reverse("portal:payer"), {"factures": [bobs.pk]}, follow=True)
    assert "déjà réglée ou n&#x27;est pas à votre nom" in response.content.decode()
    assert not Payment.objects.exists()


def test_another_familys_payment_return_page_is_a_404(alice_client, client, world, facture):
    payment, _ = start(alice_client, facture)
    client.force_login(world.bob.user)
    assert client.get(reverse("portal:paiement_retour", args=[payment.reference])).status_code == 404
    assert client.get(reverse("portal:paiement_retour", args=["MRLNOPE"])).status_code == 404


def test_payer_page_lists_the_unpaid_invoices(alice_client, facture):
    page = alice_client.get(reverse("portal:payer"))
    assert page.status_code == 200
    assert facture.number in page.content.decode()
    assert "38,40" in page.content.decode()


class TestStandinBank:
    def test_shows_the_amount_and_returns_a_signed_answer(self, alice_client, client, facture, regie):
        payment, location = start(alice_client, facture)
        page = alice_client.get(location)
        assert page.status_code == 200
        assert "38,40" in page.content.decode()
        fields = dict(parse_qsl(urlsplit(location).query))
        response = alice_client.post(reverse("standin_bank:pay"), {**fields, "decision": "accept"})
        assert response.status_code == 302
        back = urlsplit(response["Location"])
        assert back.path == reverse("portal:paiement_retour", args=[payment.reference])
        # The browser's return confirms (the server-to-server call cannot reach the test client).
        page = alice_client.get(response["Location"])
        assert "est accepté" in page.content.decode()
        payment.refresh_from_db()
        assert payment.status == Payment.Status.CONFIRMED

    def test_refuse_returns_a_refusal(self, alice_client, facture):
        payment, location = start(alice_client, facture)
        fields = dict(parse_qsl(urlsplit(location).query))
        response = alice_client.post(reverse("standin_bank:pay"), {**fields, "decision": "refuse"}, follow=True)
        assert "n'a pas abouti" in response.content.decode()
        payment.refresh_from_db()
        assert payment.status == Payment.Status.FAILED

    def test_is_a_404_when_switched_off(self, alice_client, facture, settings):
        _, location = start(alice_client, facture)
        settings.PAYMENT_STANDIN_BANK = False
        assert alice_client.get(location).status_code == 404

    def test_never_calls_or_sends_to_another_host(self, alice_client, facture):
        _, location = start(alice_client, facture)
        fields = dict(parse_qsl(urlsplit(location).query))
        fields["direct_notification_url"] = "http://169.254.169.254/latest/"
        assert alice_client.get(reverse("standin_bank:pay"), fields).status_code == 400
