"""Invoice numbers per régie and year, without gaps or duplicates.

The (régie, year) counter row is locked with SELECT … FOR UPDATE for the whole transaction
that issues: a second run of the same régie waits for the first to commit, then reads
what it billed. The numbers are taken in the same transaction as the invoices, so a
rolled-back run gives its numbers back. `Facture.number` is unique as a last guard.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import IntegrityError, transaction

from marelle.billing.models import InvoiceNumberSequence, Regie


def lock_sequence(regie: Regie, year: int) -> InvoiceNumberSequence:
    """The counter row, locked until the end of the current transaction (must be in one)."""
    assert transaction.get_connection().in_atomic_block, "numbers are taken inside a transaction"
    if not InvoiceNumberSequence.objects.filter(regie=regie, year=year).exists():
        try:
            with transaction.atomic():  # savepoint: two first runs of a year may both create it
                InvoiceNumberSequence.objects.create(regie=regie, year=year, last=0)
        except IntegrityError:
            pass
    queryset = InvoiceNumberSequence.objects.filter(regie=regie, year=year)
    if settings.BILLING_NUMBER_LOCK:
        queryset = queryset.select_for_update()
    return queryset.get()


def race_window() -> None:
    """Test hook for the race test's negative control: widen the gap between read and write."""
    if settings.BILLING_RACE_DELAY_SECONDS:
        time.sleep(settings.BILLING_RACE_DELAY_SECONDS)


def take_numbers(sequence: InvoiceNumberSequence, count: int) -> list[int]:
    """The next `count` numbers of a locked counter, and the counter moved past them."""
    first = sequence.last + 1
    race_window()
    sequence.last += count
    sequence.save(update_fields=["last"])
    return list(range(first, first + count))


def format_number(regie: Regie, year: int, sequence: int) -> str:
    """CHA-2026-000042."""
    return f"{regie.invoice_prefix}-{year}-{sequence:06d}"
