"""Payments and their allocation to invoices.

remaining(invoice) = total − what confirmed payments allocated to it − its credit notes.
A payment is allocated to the open invoices of its payer at its régie, oldest due first,
unless the agent picks them; what is left over is credit, used by the next invoice
(`apply_credit`, called when an invoice is issued). Invoice and payment rows are locked
while they are allocated, so that two allocations at once never pay one invoice twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from marelle.audit.services import log_action
from marelle.billing.models import Facture, Payment, PaymentAllocation, Regie
from marelle.core.dates import in_range, out_of_range_message
from marelle.families.models import Famille, Responsable

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_MONEY = DecimalField(max_digits=12, decimal_places=2)
# What an agent records at the desk; card and direct debit come from the bank.
DESK_METHODS = (Payment.Method.CHEQUE, Payment.Method.CASH, Payment.Method.CESU, Payment.Method.TRANSFER)


def _allocated_subquery():
    return Subquery(
        PaymentAllocation.objects.filter(facture=OuterRef("pk"), payment__status=Payment.Status.CONFIRMED)
        .values("facture")
        .annotate(s=Sum("amount"))
        .values("s"),
        output_field=_MONEY,
    )


def _credited_subquery():
    return Subquery(
        Facture.objects.filter(credit_of=OuterRef("pk"), kind=Facture.Kind.CREDIT_NOTE)
        .exclude(status=Facture.Status.CANCELLED)
        .values("credit_of")
        .annotate(s=Sum("total"))
        .values("s"),
        output_field=_MONEY,
    )


def with_remaining(queryset: QuerySet[Facture]) -> QuerySet[Facture]:
    """Invoices annotated with `allocated`, `credited` and `remaining` (one query, no join fan-out)."""
    return (
        queryset.annotate(allocated=Coalesce(_allocated_subquery(), Value(ZERO), output_field=_MONEY))
        .annotate(credited=Coalesce(_credited_subquery(), Value(ZERO), output_field=_MONEY))
        .annotate(remaining=F("total") - F("allocated") - F("credited"))
    )


def open_invoices(
    *, famille: Famille, responsable: Responsable | None = None, regie: Regie | None = None
) -> QuerySet[Facture]:
    """The payer's invoices with something left to pay, oldest due first."""
    qs = Facture.objects.filter(famille=famille, kind=Facture.Kind.INVOICE).exclude(status=Facture.Status.CANCELLED)
    if responsable is not None:
        qs = qs.filter(responsable=responsable)
    if regie is not None:
        qs = qs.filter(regie=regie)
    return with_remaining(qs).filter(remaining__gt=0).order_by("due_on", "issued_on", "number")


def money(value) -> Decimal:
    """SQLite computes annotated sums in floating point: back to cents."""
    return Decimal(str(value or 0)).quantize(CENT)


def remaining_of(facture: Facture) -> Decimal:
    return money(with_remaining(Facture.objects.filter(pk=facture.pk)).values_list("remaining", flat=True).get())


def unallocated_of(payment: Payment) -> Decimal:
    allocated = payment.allocations.aggregate(s=Sum("amount"))["s"] or ZERO
    return (payment.amount - allocated).quantize(CENT)


@dataclass(frozen=True)
class Allocation:
    facture: Facture
    amount: Decimal


def _mark_paid_or_open(facture_ids: Iterable[int]) -> None:
    """An invoice is `paid` when nothing remains, `issued` again when something does."""
    ids = list(facture_ids)
    if not ids:
        return
    rows = [
        (pk, status, money(remaining))
        for pk, status, remaining in with_remaining(Facture.objects.filter(pk__in=ids)).values_list(
            "pk", "status", "remaining"
        )
    ]
    paid = [pk for pk, status, remaining in rows if remaining <= 0 and status == Facture.Status.ISSUED]
    reopened = [pk for pk, status, remaining in rows if remaining > 0 and status == Facture.Status.PAID]
    if paid:
        Facture.objects.filter(pk__in=paid).update(status=Facture.Status.PAID)
    if reopened:
        Facture.objects.filter(pk__in=reopened).update(status=Facture.Status.ISSUED)


def _allocate(payment: Payment, candidates: list[Facture]) -> list[Allocation]:
    """Spread what the (locked, confirmed) payment has left over the (locked) candidates in order."""
    left = unallocated_of(payment)
    done: list[Allocation] = []
    remaining = {
        pk: money(value)
        for pk, value in with_remaining(Facture.objects.filter(pk__in=[f.pk for f in candidates])).values_list(
            "pk", "remaining"
        )
    }
    for facture in candidates:
        if left <= 0:
            break
        due = remaining.get(facture.pk, ZERO)
        if due <= 0:
            continue
        amount = min(left, due)
        allocation, created = PaymentAllocation.objects.get_or_create(
            payment=payment, facture=facture, defaults={"amount": amount}
        )
        if not created:
            PaymentAllocation.objects.filter(pk=allocation.pk).update(amount=F("amount") + amount)
        left -= amount
        done.append(Allocation(facture, amount))
    _mark_paid_or_open(a.facture.pk for a in done)
    return done


def _lock_factures(ids: Iterable[int]) -> list[Facture]:
    """Lock the invoices in a stable order (no deadlock between two allocations)."""
    return list(Facture.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk"))


def _ordered(factures: list[Facture]) -> list[Facture]:
    return sorted(factures, key=lambda f: (f.due_on, f.issued_on, f.number))


def allocate_payment(*, payment: Payment, factures: list[Facture] | None = None) -> list[Allocation]:
    """Allocate a confirmed payment: to `factures` if given (in their due order), else to its
    payer's open invoices at its régie, oldest first. The rest stays credit."""
    if payment.status != Payment.Status.CONFIRMED:
        raise ValueError("only a confirmed payment is allocated")
    with transaction.atomic():
        Payment.objects.select_for_update().filter(pk=payment.pk).get()
        if factures is None:
            factures = list(
                open_invoices(famille=payment.famille, responsable=payment.responsable, regie=payment.regie)
            )
        locked = _lock_factures(f.pk for f in factures)
        return _allocate(payment, _ordered(locked))


def apply_credit(*, facture: Facture, actor=None) -> Decimal:
    """Use the payer's credit (confirmed payments not fully allocated, same régie) for this
    invoice; returns what was applied. Called when an invoice is issued."""
    if facture.kind != Facture.Kind.INVOICE:
        return ZERO
    with transaction.atomic():
        _lock_factures([facture.pk])
        payer = Q(responsable__isnull=True) | Q(responsable=facture.responsable_id)
        regie = Q(regie__isnull=True) | Q(regie=facture.regie_id)
        payments = list(
            Payment.objects.select_for_update()
            .filter(payer, regie, famille=facture.famille_id, status=Payment.Status.CONFIRMED)
            .order_by("received_on", "pk")
        )
        applied = ZERO
        for payment in payments:
            if remaining_of(facture) <= 0:
                break
            if unallocated_of(payment) <= 0:
                continue
            for allocation in _allocate(payment, [facture]):
                applied += allocation.amount
        if applied:
            log_action(
                obj=facture,
                action="payment.credit_applied",
                actor=actor,
                data={"number": facture.number, "amount": str(applied)},
            )
        return applied


def credit_of(*, famille: Famille, responsable: Responsable | None = None, regie: Regie | None = None) -> Decimal:
    """What the payer's confirmed payments have not allocated yet."""
    qs = Payment.objects.filter(famille=famille, status=Payment.Status.CONFIRMED)
    if responsable is not None:
        qs = qs.filter(Q(responsable__isnull=True) | Q(responsable=responsable))
    if regie is not None:
        qs = qs.filter(Q(regie__isnull=True) | Q(regie=regie))
    paid = qs.aggregate(s=Sum("amount"))["s"] or ZERO
    allocated = PaymentAllocation.objects.filter(payment__in=qs).aggregate(s=Sum("amount"))["s"] or ZERO
    return (paid - allocated).quantize(CENT)


def payment_record(
    *,
    famille: Famille,
    regie: Regie,
    amount: Decimal,
    method: str,
    received_on: dt.date,
    actor,
    now: dt.datetime,
    responsable: Responsable | None = None,
    factures: list[Facture] | None = None,
    note: str = "",
) -> Payment:
    """A payment received at the town hall (cheque, cash, CESU, transfer), allocated to
    `factures` if the agent picked them, else oldest first; an overpayment stays credit."""
    errors: dict[str, list[str]] = {}
    if amount is None or amount <= 0:
        errors.setdefault("amount", []).append(_("Le montant doit être positif."))
    elif amount != amount.quantize(CENT):
        errors.setdefault("amount", []).append(_("Le montant s'exprime au centime près."))
    if method not in DESK_METHODS:
        errors.setdefault("method", []).append(_("Choisissez chèque, espèces, CESU ou virement."))
    if regie.commune_id != famille.commune_id:
        errors.setdefault("regie", []).append(_("La régie n'est pas celle de la commune de la famille."))
    if responsable is not None and responsable.famille_id != famille.pk:
        errors.setdefault("responsable", []).append(_("Ce responsable n'appartient pas à la famille."))
    if not in_range(received_on):
        errors.setdefault("received_on", []).append(out_of_range_message())
    elif received_on > now.date() + dt.timedelta(days=1):
        errors.setdefault("received_on", []).append(_("La date de réception est dans le futur."))
    if factures:
        wrong = [f for f in factures if f.famille_id != famille.pk or f.regie_id != regie.pk]
        if wrong:
            errors.setdefault("factures", []).append(
                _("Ces factures ne sont pas de cette famille ou de cette régie : %(numbers)s")
                % {"numbers": ", ".join(f.number for f in wrong)}
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if factures:
            open_ids = set(
                open_invoices(famille=famille, regie=regie)
                .filter(pk__in=[f.pk for f in factures])
                .values_list("pk", flat=True)
            )
            closed = [f.number for f in factures if f.pk not in open_ids]
            if closed:
                raise ValidationError({"factures": [_("Déjà réglées : %(numbers)s") % {"numbers": ", ".join(closed)}]})
        payment = Payment.objects.create(
            famille=famille,
            responsable=responsable,
            regie=regie,
            amount=amount,
            method=method,
            received_on=received_on,
            status=Payment.Status.CONFIRMED,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
            confirmed_at=now,
            note=note.strip(),
        )
        allocations = allocate_payment(payment=payment, factures=factures or None)
        log_action(
            obj=payment,
            action="payment.received",
            actor=actor,
            data={
                "famille": famille.numero,
                "amount": str(amount),
                "method": method,
                "received_on": received_on.isoformat(),
                "allocations": {a.facture.number: str(a.amount) for a in allocations},
                "credit": str(unallocated_of(payment)),
            },
        )
    return payment
