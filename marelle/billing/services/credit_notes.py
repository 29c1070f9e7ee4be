"""Credit notes (avoirs): the only correction of an issued invoice.

- A full credit note cancels the invoice: every line is reversed, and so are the cells it
  billed, so the next run bills those days again as they stand then.
- A partial credit note gives back an amount (a commercial gesture, a disputed day) and
  leaves the billed cells as they are.
Numbered in the régie's sequence, under the same lock as the runs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marelle.audit.services import log_action
from marelle.billing.formatting import money
from marelle.billing.models import BilledCell, Facture, FactureLine
from marelle.billing.pricing import round_amount
from marelle.billing.services.numbering import format_number, lock_sequence, take_numbers
from marelle.billing.services.runs import BillingError

ZERO = Decimal("0.00")


def credited_total(facture: Facture) -> Decimal:
    return sum((c.total for c in Facture.objects.filter(credit_of=facture, kind=Facture.Kind.CREDIT_NOTE)), ZERO)


def credit_note_issue(
    *,
    facture: Facture,
    actor,
    reason: str,
    amount: Decimal | None = None,
    now: dt.datetime | None = None,
    with_pdf: bool = True,
) -> Facture:
    """A credit note on `facture`: the whole invoice when `amount` is None, else `amount`."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise BillingError(_("Indiquez le motif de l'avoir."), code="reason")
    if facture.kind != Facture.Kind.INVOICE or facture.regie_id is None:
        raise BillingError(_("Un avoir ne corrige qu'une facture émise par une régie."), code="kind")
    if facture.status == Facture.Status.CANCELLED:
        raise BillingError(_("Cette facture est annulée."), code="cancelled")
    issued_on = timezone.localdate(now)
    with transaction.atomic(), translation.override("fr"):
        sequence = lock_sequence(facture.regie, issued_on.year)
        left = facture.total - credited_total(facture)
        full = amount is None
        if full:
            if left != facture.total:
                raise BillingError(
                    _("Cette facture a déjà un avoir : seul un avoir partiel reste possible."), code="already"
                )
            value = facture.total
        else:
            try:
                value = round_amount(Decimal(amount))
            except (InvalidOperation, TypeError):
                raise BillingError(_("Montant invalide."), code="amount") from None
            if value <= 0:
                raise BillingError(_("Le montant de l'avoir doit être positif."), code="amount")
            if value > left:
                raise BillingError(
                    _("L'avoir ne peut pas dépasser ce qui reste de la facture (%(left)s).") % {"left": money(left)},
                    code="amount",
                )
        if value <= 0:
            raise BillingError(_("Il n'y a rien à créditer sur cette facture."), code="amount")
        (seq,) = take_numbers(sequence, 1)
        note = Facture.objects.create(
            famille=facture.famille,
            responsable=facture.responsable,
            number=format_number(facture.regie, issued_on.year, seq),
            sequence=seq,
            issued_on=issued_on,
            due_on=issued_on,
            total=value,
            kind=Facture.Kind.CREDIT_NOTE,
            credit_of=facture,
            status=Facture.Status.PAID,
            regie=facture.regie,
            month=facture.month,
            reason=reason[:255],
            issued_at=now,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if full:
            _reverse_lines(facture, note)
        else:
            FactureLine.objects.create(
                facture=note,
                position=0,
                label=_("Avoir sur la facture %(number)s : %(reason)s") % {"number": facture.number, "reason": reason},
                quantity=Decimal(1),
                unit_price=value,
                amount=value,
            )
        _settle_if_covered(facture)
        if with_pdf:
            from marelle.billing.services.pdf import store_pdfs

            store_pdfs([note])
        log_action(
            obj=note,
            action="facture.credit_note_issued",
            actor=actor,
            data={
                "number": note.number,
                "credit_of": facture.number,
                "amount": str(value),
                "full": full,
                "reason": reason,
            },
        )
    return note


def _reverse_lines(facture: Facture, note: Facture) -> None:
    """Each line of the invoice, reversed on the credit note, with the cells it billed."""
    lines = list(facture.lines.order_by("position", "pk"))
    cells = list(BilledCell.objects.filter(line__facture=facture))
    by_line: dict[int, list[BilledCell]] = {}
    for c in cells:
        by_line.setdefault(c.line_id, []).append(c)
    reversed_lines = []
    for line in lines:
        # The credit note shows what it gives back as positive amounts.
        reversed_lines.append(
            FactureLine(
                facture=note,
                position=line.position,
                enfant_id=line.enfant_id,
                service_id=line.service_id,
                label=_("Annulation : %(label)s") % {"label": line.label},
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                price_explanation=line.price_explanation,
                state=line.state,
                day_from=line.day_from,
                day_to=line.day_to,
                days=line.days,
                is_regularisation=line.is_regularisation,
            )
        )
    FactureLine.objects.bulk_create(reversed_lines)
    BilledCell.objects.bulk_create(
        BilledCell(
            line=new,
            regie_id=c.regie_id,
            enfant_id=c.enfant_id,
            service_id=c.service_id,
            date=c.date,
            state=c.state,
            quantity=-c.quantity,
            unit_price=c.unit_price,
        )
        for old, new in zip(lines, reversed_lines, strict=True)
        for c in by_line.get(old.pk, [])
    )


def _settle_if_covered(facture: Facture) -> None:
    from marelle.billing.selectors import remaining_of

    if facture.status == Facture.Status.ISSUED and remaining_of(facture) <= 0:
        facture.status = Facture.Status.PAID
        facture.save(update_fields=["status"])
