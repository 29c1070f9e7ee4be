"""Online payment of one or several unpaid invoices, through the régie's eopayment backend.

`payment_start` writes a pending Payment and asks the bank where to send the browser;
`payment_notify` handles what the bank sends back — server to server or through the
browser's return, possibly both, possibly twice: the payment row is locked and its status
changed by a conditional UPDATE, so a notification received twice pays once. A notification
that is unsigned, unreadable, for an unknown transaction or for another amount pays
nothing and is logged. A payment the bank never confirms stays pending until
`payments_expire` marks it expired.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marelle.audit.services import log_action
from marelle.billing.models import Facture, Payment, Regie
from marelle.billing.services import payments_backend as bank
from marelle.billing.services.payments import ZERO, allocate_payment, money, open_invoices
from marelle.families.models import Responsable

logger = logging.getLogger("marelle.billing.payments")

DEFAULT_EXPIRY_MINUTES = 30


class PaymentError(Exception):
    """The payment could not be started (the message is for the parent)."""


@dataclass(frozen=True)
class Started:
    payment: Payment
    redirect: bank.BankRedirect


def expiry_delay() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "PAYMENT_EXPIRY_MINUTES", DEFAULT_EXPIRY_MINUTES))


def new_reference() -> str:
    """Unique, 6 to 30 letters and digits: what PayFiP accepts as REFDET."""
    return "MRL" + secrets.token_hex(10).upper()


def payable_invoices(*, responsable: Responsable, facture_ids: list[int]) -> list[Facture]:
    """The requested invoices, each one open and the responsable's own (else ValidationError)."""
    ids = sorted({int(pk) for pk in facture_ids})
    if not ids:
        raise ValidationError(_("Choisissez au moins une facture à payer."))
    factures = list(
        open_invoices(famille=responsable.famille, responsable=responsable).filter(pk__in=ids).select_related("regie")
    )
    if len(factures) != len(ids):
        raise ValidationError(_("Une des factures choisies est déjà réglée ou n'est pas à votre nom."))
    if len({f.regie_id for f in factures}) != 1 or factures[0].regie is None:
        raise ValidationError(_("Payez ensemble les factures d'une même régie."))
    return factures


def payment_start(
    *,
    responsable: Responsable,
    facture_ids: list[int],
    return_url: Callable[[str], str],
    notify_url: Callable[[Regie], str],
    standin_url: str,
    actor,
    now: dt.datetime,
) -> Started:
    """A pending payment of the chosen invoices' remaining amounts, and where the bank wants
    the browser. `return_url(reference)` and `notify_url(regie)` give absolute URLs."""
    factures = payable_invoices(responsable=responsable, facture_ids=facture_ids)
    regie = factures[0].regie
    if not regie.payment_backend:
        raise ValidationError(_("Le paiement en ligne n'est pas proposé par cette régie."))
    amount = sum((money(f.remaining) for f in factures), ZERO)
    email = responsable.email or getattr(actor, "email", "") or responsable.famille.email
    with transaction.atomic():
        payment = Payment.objects.create(
            famille=responsable.famille,
            responsable=responsable,
            regie=regie,
            amount=amount,
            method=Payment.Method.CARD,
            status=Payment.Status.PENDING,
            received_on=timezone.localdate(now),
            reference=new_reference(),
            backend=regie.payment_backend,
            expires_at=now + expiry_delay(),
            created_at=now,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            requested_factures=[f.pk for f in factures],
        )
        log_action(
            obj=payment,
            action="payment.online_started",
            actor=actor,
            data={"reference": payment.reference, "amount": str(amount), "factures": [f.number for f in factures]},
        )
    label = _("Factures %(numbers)s") % {"numbers": ", ".join(f.number for f in factures)}
    try:
        redirect = bank.request_payment(
            regie,
            amount=amount,
            email=email,
            reference=payment.reference,
            label=label,
            return_url=return_url(payment.reference),
            notify_url=notify_url(regie),
            standin_url=standin_url,
        )
    except bank.BackendError as exc:
        logger.error("payment %s: the bank refused the request: %s", payment.reference, exc)
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(status=Payment.Status.FAILED)
        raise PaymentError(_("Le service de paiement est indisponible. Réessayez plus tard.")) from exc
    Payment.objects.filter(pk=payment.pk).update(transaction_id=redirect.transaction_id)
    payment.transaction_id = redirect.transaction_id
    return Started(payment, redirect)


@dataclass(frozen=True)
class Notified:
    outcome: str  # confirmed, already, failed, waiting, refused, unknown
    payment: Payment | None = None
    return_content: str | None = None
    reason: str = ""

    @property
    def accepted(self) -> bool:
        return self.outcome in ("confirmed", "already", "failed", "waiting")


def _refuse(reason: str, regie: Regie, payment: Payment | None, bank_data: dict | None = None) -> Notified:
    logger.warning("payment notification refused (régie %s): %s", regie.pk, reason)
    if payment is not None:
        log_action(
            obj=payment,
            action="payment.notification_refused",
            data={"reason": reason, "bank_data": bank_data or {}},
        )
    return Notified("refused", payment, reason=reason)


def payment_notify(*, regie: Regie, query_string: str, now: dt.datetime) -> Notified:
    """Handle the bank's answer about one payment (idempotent)."""
    try:
        response = bank.parse_notification(regie, query_string)
    except bank.BackendError as exc:
        return _refuse(f"unreadable: {exc}", regie, None)
    payment = (
        Payment.objects.filter(regie=regie, backend=regie.payment_backend, transaction_id=response.order_id)
        .exclude(transaction_id="")
        .first()
    )
    if payment is None:
        logger.warning("payment notification for an unknown transaction %r (régie %s)", response.order_id, regie.pk)
        return Notified("unknown", reason="unknown transaction")
    if not response.signed:
        return _refuse("bad signature", regie, payment, response.bank_data)
    if response.paid:
        if response.amount is None and regie.payment_backend in (bank.DUMMY, bank.TIPI, bank.PAYFIP_WS):
            return _refuse("no amount", regie, payment, response.bank_data)
        if response.amount is not None and response.amount != payment.amount:
            return _refuse(f"amount {response.amount} instead of {payment.amount}", regie, payment, response.bank_data)
        return _confirm(payment, response, now)
    if response.failed:
        with transaction.atomic():
            changed = Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
                status=Payment.Status.FAILED, bank_data=response.bank_data
            )
            if changed:
                log_action(
                    obj=payment,
                    action="payment.online_failed",
                    data={"reference": payment.reference, "bank_status": response.bank_status},
                )
        payment.refresh_from_db()
        return Notified("failed" if changed else "already", payment, response.return_content)
    return Notified("waiting", payment, response.return_content)


def _confirm(payment: Payment, response: bank.BankResponse, now: dt.datetime) -> Notified:
    with transaction.atomic():
        Payment.objects.select_for_update().filter(pk=payment.pk).get()
        # A late confirmation of an expired or abandoned payment still means the bank took
        # the money: it is confirmed, and what no invoice needs any more becomes credit.
        changed = Payment.objects.filter(
            pk=payment.pk,
            status__in=[Payment.Status.PENDING, Payment.Status.EXPIRED, Payment.Status.FAILED],
        ).update(
            status=Payment.Status.CONFIRMED,
            confirmed_at=now,
            received_on=timezone.localdate(now),
            bank_data=response.bank_data,
        )
        payment.refresh_from_db()
        if not changed:
            return Notified("already", payment, response.return_content)
        factures = list(Facture.objects.filter(pk__in=payment.requested_factures))
        allocations = allocate_payment(payment=payment, factures=factures)
        log_action(
            obj=payment,
            action="payment.online_confirmed",
            data={
                "reference": payment.reference,
                "amount": str(payment.amount),
                "transaction_id": response.transaction_id,
                "allocations": {a.facture.number: str(a.amount) for a in allocations},
            },
        )
    return Notified("confirmed", payment, response.return_content)


def payments_expire(*, now: dt.datetime) -> int:
    """Pending online payments past their expiry become expired; returns how many."""
    expired = 0
    for pk in Payment.objects.filter(status=Payment.Status.PENDING, expires_at__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            if Payment.objects.filter(pk=pk, status=Payment.Status.PENDING).update(status=Payment.Status.EXPIRED):
                expired += 1
                log_action(obj=Payment(pk=pk), action="payment.expired", data={})
    return expired
