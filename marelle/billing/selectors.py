"""Reads of the accounts, shaped for the Accueil, the Relevé de compte and the back office.

One rule everywhere: what an invoice still owes = its total − the confirmed payments
allocated to it − its credit notes; a family's balance = confirmed payments − invoices +
credit notes (negative: the family owes money).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from marelle.billing.models import Facture, Payment, PaymentAllocation
from marelle.families.models import Famille

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=12, decimal_places=2)
CONFIRMED = Payment.Status.CONFIRMED
INVOICE = Facture.Kind.INVOICE
CREDIT_NOTE = Facture.Kind.CREDIT_NOTE


def _sum_subquery(queryset, group: str, column: str):
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(s=Sum(column)).values("s"), output_field=_MONEY),
        Value(ZERO),
        output_field=_MONEY,
    )


def with_amounts(queryset: QuerySet[Facture]) -> QuerySet[Facture]:
    """Invoices annotated with `paid`, `credited` and `remaining`.

    Paid = allocations of confirmed payments, plus confirmed payments attached directly to
    the invoice without allocations (payments recorded before allocations existed)."""
    allocated = _sum_subquery(
        PaymentAllocation.objects.filter(facture=OuterRef("pk"), payment__status=CONFIRMED), "facture", "amount"
    )
    direct = _sum_subquery(
        Payment.objects.filter(facture=OuterRef("pk"), status=CONFIRMED, allocations__isnull=True),
        "facture",
        "amount",
    )
    credited = _sum_subquery(
        Facture.objects.filter(credit_of=OuterRef("pk"), kind=CREDIT_NOTE).exclude(status=Facture.Status.CANCELLED),
        "credit_of",
        "total",
    )
    return queryset.annotate(paid=allocated + direct, credited=credited).annotate(
        remaining=F("total") - F("paid") - F("credited")
    )


def remaining_of(facture: Facture) -> Decimal:
    return with_amounts(Facture.objects.filter(pk=facture.pk)).values_list("remaining", flat=True).get()


def _open_invoices(queryset: QuerySet[Facture]) -> QuerySet[Facture]:
    return with_amounts(queryset.filter(kind=INVOICE, status=Facture.Status.ISSUED)).filter(remaining__gt=0)


def payments_of(responsable) -> Q:
    """A responsable's payments: theirs, and one recorded without its payer counts for the
    payer of its invoice, or for the family (separated parents each see what is theirs)."""
    return (
        Q(responsable=responsable)
        | Q(responsable__isnull=True, facture__responsable=responsable)
        | Q(responsable__isnull=True, facture__isnull=True)
    )


def _scoped(famille: Famille, responsable):
    """A family's invoices and confirmed payments; a responsable's own when given."""
    factures = Facture.objects.filter(famille=famille).exclude(status=Facture.Status.CANCELLED)
    payments = Payment.objects.filter(famille=famille, status=CONFIRMED)
    if responsable is not None:
        factures = factures.filter(responsable=responsable)
        payments = payments.filter(payments_of(responsable))
    return factures, payments


def balance_on(famille: Famille, day: dt.date, *, responsable=None) -> Decimal:
    """Confirmed payments − invoices + credit notes up to `day` (a responsable's own when given)."""
    factures, payments = _scoped(famille, responsable)
    factures = factures.filter(issued_on__lte=day)
    payments = payments.filter(received_on__lte=day)
    row = factures.aggregate(
        invoiced=Coalesce(Sum("total", filter=Q(kind=INVOICE)), Value(ZERO), output_field=_MONEY),
        credited=Coalesce(Sum("total", filter=Q(kind=CREDIT_NOTE)), Value(ZERO), output_field=_MONEY),
    )
    paid = payments.aggregate(s=Sum("amount"))["s"] or ZERO
    return (paid - row["invoiced"] + row["credited"]).quantize(ZERO)


def unpaid_invoices(famille: Famille, *, responsable=None) -> QuerySet[Facture]:
    """Issued invoices not fully paid, oldest due first, each with `paid` and `remaining`."""
    factures = Facture.objects.filter(famille=famille)
    if responsable is not None:
        factures = factures.filter(responsable=responsable)
    return _open_invoices(factures).select_related("responsable", "regie").order_by("due_on", "number")


@dataclass(frozen=True)
class StatementLine:
    day: dt.date
    label: str
    debit: Decimal | None
    credit: Decimal | None
    balance: Decimal
    facture: Facture | None = None
    remaining: Decimal | None = None  # for an invoice: what it still owes


@dataclass(frozen=True)
class Statement:
    opening: Decimal  # balance before the first line shown
    lines: list[StatementLine]
    years: list[int]

    @property
    def closing(self) -> Decimal:
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit or ZERO for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit or ZERO for line in self.lines), ZERO)


def _events(famille: Famille, responsable=None):
    events = []
    factures, payments = _scoped(famille, responsable)
    for f in with_amounts(factures).select_related("credit_of"):
        # Labels are built when read, in the reader's language.
        if f.kind == CREDIT_NOTE:
            if f.credit_of_id:
                label = _("Avoir %(number)s (facture %(original)s)") % {
                    "number": f.number,
                    "original": f.credit_of.number,
                }
            else:
                label = _("Avoir %(number)s") % {"number": f.number}
            events.append((f.issued_on, 1, f.pk, label, None, f.total, f))
        else:
            events.append((f.issued_on, 0, f.pk, _("Facture %(number)s") % {"number": f.number}, f.total, None, f))
    for p in payments:
        label = _("Paiement (%(method)s)") % {"method": p.get_method_display()}
        events.append((p.received_on, 2, p.pk, label, None, p.amount, None))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    return events


def statement(famille: Famille, year: int | None = None, *, responsable=None) -> list[StatementLine]:
    """Invoices (debit), credit notes and payments (credit) in date order with a running balance."""
    return account_statement(famille, year, responsable=responsable).lines


def account_statement(famille: Famille, year: int | None = None, *, responsable=None) -> Statement:
    """The Relevé de compte, optionally one year, opening with the balance brought forward."""
    events = _events(famille, responsable)
    years = sorted({e[0].year for e in events}, reverse=True)
    running = ZERO
    opening = ZERO
    lines = []
    for day, _order, _pk, label, debit, credit, facture in events:
        running = running - (debit or ZERO) + (credit or ZERO)
        if year is not None and day.year < year:
            opening = running
            continue
        if year is not None and day.year > year:
            break
        remaining = facture.remaining if facture is not None and facture.kind == INVOICE else None
        lines.append(StatementLine(day, label, debit, credit, running, facture, remaining))
    return Statement(opening=opening, lines=lines, years=years)


@dataclass(frozen=True)
class Unpaid:
    total: Decimal
    invoices: int
    familles: int


def unpaid_summary(commune_ids: Iterable[int], *, overdue_on: dt.date | None = None) -> Unpaid:
    """What the families of these communes still owe, in one query (the dashboard's figure)."""
    queryset = Facture.objects.filter(famille__commune_id__in=list(commune_ids))
    if overdue_on is not None:
        queryset = queryset.filter(due_on__lt=overdue_on)
    row = _open_invoices(queryset).aggregate(
        total=Sum("remaining"), invoices=Count("pk"), familles=Count("famille", distinct=True)
    )
    return Unpaid(total=(row["total"] or ZERO).quantize(ZERO), invoices=row["invoices"], familles=row["familles"])


def unpaid_for_communes(commune_ids: Iterable[int]) -> QuerySet[Facture]:
    """The back office's unpaid list: open invoices of these communes, oldest due first."""
    return (
        _open_invoices(Facture.objects.filter(famille__commune_id__in=list(commune_ids)))
        .select_related("famille", "responsable", "regie")
        .order_by("due_on", "number")
    )


@dataclass(frozen=True)
class PriceGroup:
    days: int
    per_day: Decimal  # the price of one day (half-hours × unit price on a half-hour tarif)
    explanation: str


@dataclass(frozen=True)
class PricePreview:
    groups: list[PriceGroup]
    total: Decimal
    text: str  # "12 jours × 3,20 € = 38,40 €"


def price_preview(*, enfant, service, days: Iterable[dt.date]) -> PricePreview | None:
    """What booking `days` of `service` will cost (as Réservé), by the invoices' own rules;
    None when the service has no price for those days. A few queries, whatever the days."""
    from marelle.billing.formatting import money
    from marelle.billing.models import Tarif
    from marelle.billing.pricing import PriceRules, price_cell, qf_on, round_amount
    from marelle.planning.models import CellState, Inscription

    days = sorted(set(days))
    if not days:
        return None
    tarifs = list(
        Tarif.objects.filter(service=service, valid_from__lte=days[-1])
        .prefetch_related("tranches")
        .order_by("-valid_from")
    )
    siblings = list(
        Inscription.objects.filter(enfant__famille_id=enfant.famille_id, service=service).values_list(
            "enfant__birth_date", "enfant_id", "start_date", "end_date"
        )
    )
    groups: dict[tuple, list] = {}
    for day in days:
        tarif = next((t for t in tarifs if t.covers(day) and t.tranches.all()), None)
        if tarif is None:
            return None
        enrolled = sorted({(b, pk) for b, pk, start, end in siblings if start <= day <= end})
        rank = next((i for i, (_b, pk) in enumerate(enrolled, start=1) if pk == enfant.pk), 1)
        cell = price_cell(
            PriceRules.from_tarif(tarif),
            qf=qf_on(enfant.famille, day),
            rank=rank,
            state=CellState.BOOKED,
            service_start=service.start_time,
            service_end=service.end_time,
        )
        groups.setdefault((cell.amount, cell.explanation), []).append(day)
    parts = [PriceGroup(len(ds), per_day, why) for (per_day, why), ds in groups.items()]
    total = round_amount(sum((g.per_day * g.days for g in parts), Decimal(0)))
    from django.utils.translation import ngettext

    terms = [
        ngettext("%(n)s jour × %(price)s", "%(n)s jours × %(price)s", g.days) % {"n": g.days, "price": money(g.per_day)}
        for g in parts
    ]
    return PricePreview(groups=parts, total=total, text=f"{' + '.join(terms)} = {money(total)}")


def invoices_for_agents(
    factures: QuerySet[Facture], *, query: str = "", unpaid_only: bool = False
) -> QuerySet[Facture]:
    """The back office's invoice list (already scoped to the agent's communes): invoices and
    credit notes with `paid`, `credited` and `remaining`, newest first; `query` matches the
    invoice number, the family number or the payer's name; `unpaid_only` keeps what is due."""
    factures = factures.select_related("famille", "responsable", "regie", "credit_of")
    query = query.strip()
    if query:
        factures = factures.filter(
            Q(number__icontains=query)
            | Q(famille__numero__startswith=query)
            | Q(responsable__nom__icontains=query)
            | Q(responsable__prenom__icontains=query)
        )
    if unpaid_only:
        return _open_invoices(factures).order_by("due_on", "number")
    return with_amounts(factures).order_by("-issued_on", "-number")


def open_total(factures: QuerySet[Facture]) -> Decimal:
    """What the (scoped) invoices still owe in all."""
    return sum(_open_invoices(factures).values_list("remaining", flat=True), ZERO)


@dataclass(frozen=True)
class BookingPrice:
    parts: list[tuple[str, PricePreview]]  # (service name, its preview)
    total: Decimal

    @property
    def text(self) -> str:
        """ "RESTAURATION : 12 jours × 3,20 € = 38,40 €" (one per service, then the total)."""
        from marelle.billing.formatting import money

        text = " ; ".join(f"{name} : {preview.text}" for name, preview in self.parts)
        if len(self.parts) > 1:
            text += " — " + _("total %(total)s") % {"total": money(self.total)}
        return text


def booking_price(*, enfant, days_by_service: dict) -> BookingPrice | None:
    """What booking these days costs, service by service ({Service: [dates]}), by the
    invoices' rules; None when none of the services has a price for its days."""
    parts = []
    for service in sorted(days_by_service, key=lambda s: (s.position, s.pk)):
        preview = price_preview(enfant=enfant, service=service, days=days_by_service[service])
        if preview is not None:
            parts.append((service.name, preview))
    if not parts:
        return None
    return BookingPrice(parts=parts, total=sum((p.total for _name, p in parts), Decimal(0)))


def bookable_price_text(enfant, cells) -> str:
    """What booking the bookable ones among `cells` (the planning's GridCells) costs, as text;
    "" when none can be booked or none has a price. Three queries a service at most."""
    from marelle.planning.models import Service
    from marelle.planning.rules import Action

    days: dict[int, list[dt.date]] = {}
    for cell in cells:
        if Action.BOOK in cell.actions:
            days.setdefault(cell.service_id, []).append(cell.date)
    if not days:
        return ""
    services = Service.objects.filter(pk__in=days)
    price = booking_price(enfant=enfant, days_by_service={s: days[s.pk] for s in services})
    return price.text if price else ""
