"""The monthly invoicing run of a régie: a preview (draft invoices per paying responsable),
then *Émettre* (immutable, numbered invoices with their PDFs).

The preview and the issue are the same computation (`build_preview`); issuing only runs
it again under the régie's number lock and writes what it found, so the preview is what
gets issued. The computation compares, cell by cell, what the planning says now with what
`BilledCell` says was billed:
- a billable cell never billed → billed on this run;
- a billed cell whose state, count or price changed (an agent turned a Réservé into an
  Absent excusé) → a regularisation: the billed entry cancelled (negative line) and, if
  still billable, billed again at its new price;
- cells waiting for a decision (absence en cours de traitement, pointage en erreur) are left
  as they stand until decided.
Earlier months are re-read only when they were billed, over the last 12 months.

Queries per run do not depend on the number of families: every read is one query over
the régie's services and the months concerned; every write is a bulk insert.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marelle.audit.models import LogEntry
from marelle.audit.services import log_action
from marelle.billing.formatting import first_of_month, month_end, month_label
from marelle.billing.models import (
    BilledCell,
    Facture,
    FactureLine,
    InvoiceRun,
    Regie,
    ServiceBilling,
    Tarif,
)
from marelle.billing.pricing import BILLABLE_STATES, NOT_YET_BILLABLE, PriceRules, price_cell, qf_on, round_amount
from marelle.billing.services.numbering import format_number, lock_sequence, take_numbers
from marelle.core.bulk import insert_rows
from marelle.core.dates import in_range, out_of_range_message
from marelle.families.models import Enfant, Responsable
from marelle.planning.models import Cell, CellState, Inscription, Service

LOOKBACK_MONTHS = 12
ZERO = Decimal("0")
Key = tuple[int, int, dt.date]  # (enfant id, service id, date)


class BillingError(Exception):
    """A run or a credit note that cannot be done, with a message for the agent."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# Booked and present cost the same and read as one line; each other billable state has its own.
CATEGORY = {
    CellState.BOOKED: "attended",
    CellState.PRESENT: "attended",
    CellState.ABSENCE_BILLED: CellState.ABSENCE_BILLED,
    CellState.OUT_OF_CONTRACT: CellState.OUT_OF_CONTRACT,
}


def _category_label(category: str) -> str:
    return {
        "attended": _("Réservé / Présent"),
        CellState.ABSENCE_BILLED: _("Absent facturé"),
        CellState.OUT_OF_CONTRACT: _("Heure hors contrat régulier"),
    }.get(category, category)


@dataclass
class DraftCell:
    enfant_id: int
    service_id: int
    date: dt.date
    state: str
    quantity: Decimal  # negative on a cancelling regularisation
    unit_price: Decimal


@dataclass
class DraftLine:
    enfant_id: int
    enfant_name: str
    service_id: int
    service_name: str
    service_position: int
    category: str
    unit: str
    unit_price: Decimal
    explanation: str
    is_regularisation: bool
    cancels: bool
    month: dt.date
    cells: list[DraftCell] = field(default_factory=list)

    @property
    def quantity(self) -> Decimal:
        return sum((c.quantity for c in self.cells), ZERO)

    @property
    def days(self) -> int:
        return len({c.date for c in self.cells})

    @property
    def amount(self) -> Decimal:
        return round_amount(self.quantity * self.unit_price)

    @property
    def day_from(self) -> dt.date:
        return min(c.date for c in self.cells)

    @property
    def day_to(self) -> dt.date:
        return max(c.date for c in self.cells)

    @property
    def state(self) -> str:
        states = {c.state for c in self.cells}
        return states.pop() if len(states) == 1 else self.category

    @property
    def label(self) -> str:
        what = _category_label(self.category)
        if not self.is_regularisation:
            return f"{self.service_name} — {what}"
        if self.cancels:
            return _("%(service)s — régularisation %(month)s : %(what)s annulé") % {
                "service": self.service_name,
                "month": month_label(self.month),
                "what": what,
            }
        return _("%(service)s — régularisation %(month)s : %(what)s") % {
            "service": self.service_name,
            "month": month_label(self.month),
            "what": what,
        }

    def sort_key(self):
        return (
            self.enfant_name,
            self.enfant_id,
            self.service_position,
            self.service_name,
            self.is_regularisation,
            self.month,
            self.cancels,
            self.category,
            self.unit_price,
        )


@dataclass
class DraftInvoice:
    responsable: Responsable
    lines: list[DraftLine]

    @property
    def famille(self):
        return self.responsable.famille

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def is_credit(self) -> bool:
        return self.total < 0


@dataclass
class RunPreview:
    regie: Regie
    month: dt.date
    invoices: list[DraftInvoice]
    missing_tarifs: list[Service]

    @property
    def total(self) -> Decimal:
        return sum((i.total for i in self.invoices), ZERO)

    @property
    def line_count(self) -> int:
        return sum(len(i.lines) for i in self.invoices)


def _months_back(month: dt.date, count: int) -> dt.date:
    year, m = divmod(month.year * 12 + month.month - 1 - count, 12)
    return dt.date(year, m + 1, 1)


def _tarif_for(tarifs: list[Tarif], day: dt.date) -> Tarif | None:
    for tarif in tarifs:  # latest valid_from first
        if tarif.covers(day):
            return tarif
    return None


class _Context:
    """Everything one run reads, loaded in a fixed number of queries."""

    def __init__(self, regie: Regie, month: dt.date):
        self.regie = regie
        self.month = month
        self.end = month_end(month)
        service_ids = list(ServiceBilling.objects.filter(regie=regie).values_list("service_id", flat=True))
        self.services = {s.pk: s for s in Service.objects.filter(pk__in=service_ids)}
        self.tarifs: dict[int, list[Tarif]] = defaultdict(list)
        for tarif in (
            Tarif.objects.filter(service_id__in=service_ids, valid_from__lte=self.end)
            .prefetch_related("tranches")
            .order_by("-valid_from")
        ):
            self.tarifs[tarif.service_id].append(tarif)
        self.rules = {t.pk: PriceRules.from_tarif(t) for ts in self.tarifs.values() for t in ts if t.tranches.all()}
        earliest = InvoiceRun.objects.filter(
            regie=regie,
            status=InvoiceRun.Status.ISSUED,
            month__lt=month,
            month__gte=_months_back(month, LOOKBACK_MONTHS),
        ).aggregate(m=Min("month"))["m"]
        self.start = earliest or month
        self.cells: dict[Key, dict] = {
            (c["enfant_id"], c["service_id"], c["date"]): c
            for c in Cell.objects.filter(service_id__in=service_ids, date__gte=self.start, date__lte=self.end).values(
                "enfant_id", "service_id", "date", "state", "arrival", "departure"
            )
        }
        # What stands billed, per cell: entries whose quantities do not cancel out.
        self.billed: dict[Key, list[dict]] = defaultdict(list)
        for row in (
            BilledCell.objects.filter(regie=regie, date__gte=self.start, date__lte=self.end)
            .values("enfant_id", "service_id", "date", "state", "unit_price", "line__facture__responsable_id")
            .annotate(q=Sum("quantity"))
            .order_by()
        ):
            if row["q"]:
                self.billed[(row["enfant_id"], row["service_id"], row["date"])].append(row)
        enfant_ids = {k[0] for k in self.cells} | {k[0] for k in self.billed}
        self.enfants = {e.pk: e for e in Enfant.objects.filter(pk__in=enfant_ids).select_related("famille")}
        self.inscriptions: dict[tuple[int, int], list[dict]] = defaultdict(list)
        family_of = {e.pk: e.famille_id for e in self.enfants.values()}
        self.siblings: dict[tuple[int, int], list[tuple]] = defaultdict(list)
        for ins in Inscription.objects.filter(
            service_id__in=service_ids,
            start_date__lte=self.end,
            end_date__gte=self.start,
            enfant__famille_id__in=set(family_of.values()),
        ).values(
            "enfant_id",
            "service_id",
            "responsable_id",
            "start_date",
            "end_date",
            "enfant__birth_date",
            "enfant__famille_id",
        ):
            self.inscriptions[(ins["enfant_id"], ins["service_id"])].append(ins)
            self.siblings[(ins["enfant__famille_id"], ins["service_id"])].append(
                (ins["enfant__birth_date"], ins["enfant_id"], ins["start_date"], ins["end_date"])
            )
        payer_ids = {i["responsable_id"] for rows in self.inscriptions.values() for i in rows}
        payer_ids |= {r["line__facture__responsable_id"] for rows in self.billed.values() for r in rows}
        # A child billed for a service without an enrolment (hors contrat): the family's first responsable.
        self.fallback_payer: dict[int, int] = {}
        for r in (
            Responsable.objects.filter(famille_id__in=set(family_of.values())).order_by("pk").values("pk", "famille_id")
        ):
            self.fallback_payer.setdefault(r["famille_id"], r["pk"])
        payer_ids |= set(self.fallback_payer.values())
        self.responsables = {
            r.pk: r for r in Responsable.objects.filter(pk__in=payer_ids).select_related("famille__commune")
        }

    def payer(self, enfant_id: int, service_id: int, day: dt.date) -> int:
        rows = self.inscriptions.get((enfant_id, service_id), [])
        for ins in rows:
            if ins["start_date"] <= day <= ins["end_date"]:
                return ins["responsable_id"]
        if rows:
            return rows[0]["responsable_id"]
        return self.fallback_payer[self.enfants[enfant_id].famille_id]

    def rank(self, enfant_id: int, service_id: int, day: dt.date) -> int:
        """1 for the eldest of the family's children enrolled in the service that day."""
        famille_id = self.enfants[enfant_id].famille_id
        enrolled = sorted(
            {
                (birth, pk)
                for birth, pk, start, end in self.siblings.get((famille_id, service_id), [])
                if start <= day <= end
            }
        )
        for index, (_birth, pk) in enumerate(enrolled, start=1):
            if pk == enfant_id:
                return index
        return 1


def _check_month(month: dt.date) -> None:
    if not in_range(month):
        raise BillingError(out_of_range_message(), code="out_of_range")


def build_preview(regie: Regie, month: dt.date) -> RunPreview:
    """The draft invoices a run of `month` would issue now (read-only)."""
    month = first_of_month(month)
    _check_month(month)
    with translation.override("fr"):  # an invoice is a French document
        return _build(regie, month)


def _build(regie: Regie, month: dt.date) -> RunPreview:
    ctx = _Context(regie, month)
    lines: dict[tuple, DraftLine] = {}
    by_payer: dict[int, list[tuple]] = defaultdict(list)
    missing: set[int] = set()

    def add(payer_id, enfant_id, service_id, day, state, quantity, unit_price, explanation, *, regularisation, cancels):
        service = ctx.services[service_id]
        enfant = ctx.enfants[enfant_id]
        category = CATEGORY.get(state, state)
        cell_month = first_of_month(day)
        key = (
            payer_id,
            enfant_id,
            service_id,
            category,
            unit_price,
            explanation,
            regularisation,
            cancels,
            cell_month if regularisation else None,
        )
        line = lines.get(key)
        if line is None:
            tarifs = ctx.tarifs.get(service_id) or []
            tarif = _tarif_for(tarifs, day)
            line = lines[key] = DraftLine(
                enfant_id=enfant_id,
                enfant_name=f"{enfant.nom} {enfant.prenom}",
                service_id=service_id,
                service_name=service.name,
                service_position=service.position,
                category=category,
                unit=tarif.unit if tarif else "day",
                unit_price=unit_price,
                explanation=explanation,
                is_regularisation=regularisation,
                cancels=cancels,
                month=cell_month,
            )
            by_payer[payer_id].append(key)
        line.cells.append(DraftCell(enfant_id, service_id, day, state, quantity, unit_price))

    for key in sorted(set(ctx.cells) | set(ctx.billed)):
        enfant_id, service_id, day = key
        cell = ctx.cells.get(key)
        state = cell["state"] if cell else "free"
        if state in NOT_YET_BILLABLE:
            continue
        desired = None
        if state in BILLABLE_STATES:
            tarif = _tarif_for(ctx.tarifs.get(service_id) or [], day)
            rules = ctx.rules.get(tarif.pk) if tarif else None
            if rules is None:
                missing.add(service_id)
                continue
            service = ctx.services[service_id]
            desired = price_cell(
                rules,
                qf=qf_on(ctx.enfants[enfant_id].famille, day),
                rank=ctx.rank(enfant_id, service_id, day),
                state=state,
                service_start=service.start_time,
                service_end=service.end_time,
                arrival=cell["arrival"],
                departure=cell["departure"],
            )
        live = ctx.billed.get(key, [])
        if not live and desired is None:
            continue
        if (
            desired is not None
            and len(live) == 1
            and CATEGORY.get(live[0]["state"]) == CATEGORY.get(state)
            and live[0]["q"] == desired.quantity
            and live[0]["unit_price"] == desired.unit_price
        ):
            continue  # billed as it stands
        regularisation = bool(live) or day < month
        for entry in live:  # cancel what was billed, on the invoice of whoever paid it
            add(
                entry["line__facture__responsable_id"],
                enfant_id,
                service_id,
                day,
                entry["state"],
                -entry["q"],
                entry["unit_price"],
                "",
                regularisation=True,
                cancels=True,
            )
        if desired is not None:
            add(
                ctx.payer(enfant_id, service_id, day),
                enfant_id,
                service_id,
                day,
                state,
                desired.quantity,
                desired.unit_price,
                desired.explanation,
                regularisation=regularisation,
                cancels=False,
            )

    invoices = []
    for payer_id, keys in by_payer.items():
        draft_lines = sorted((lines[k] for k in keys), key=DraftLine.sort_key)
        invoices.append(DraftInvoice(responsable=ctx.responsables[payer_id], lines=draft_lines))
    invoices.sort(key=lambda i: (i.famille.numero, i.responsable.pk))
    return RunPreview(
        regie=regie,
        month=month,
        invoices=invoices,
        missing_tarifs=sorted((ctx.services[s] for s in missing), key=lambda s: s.name),
    )


def invoice_run_preview(*, regie: Regie, month: dt.date) -> RunPreview:
    return build_preview(regie, month)


def invoice_run_issue(
    *,
    regie: Regie,
    month: dt.date,
    actor,
    now: dt.datetime | None = None,
    with_pdf: bool = True,
) -> InvoiceRun:
    """Issue the month's invoices: numbered per régie and year under the counter's lock,
    due `regie.due_days` after the issue date, PDFs written once. One transaction."""
    now = now or timezone.now()
    issued_on = timezone.localdate(now)
    month = first_of_month(month)
    _check_month(month)
    if month > first_of_month(issued_on):
        raise BillingError(_("Un mois à venir ne peut pas être facturé."), code="future")
    with transaction.atomic():
        sequence = lock_sequence(regie, issued_on.year)
        preview = build_preview(regie, month)
        if preview.missing_tarifs:
            names = ", ".join(s.name for s in preview.missing_tarifs)
            raise BillingError(
                _("Aucun tarif pour : %(services)s. Saisissez les tarifs avant d'émettre.") % {"services": names},
                code="missing_tarif",
            )
        drafts = [d for d in preview.invoices if d.lines]
        run = InvoiceRun.objects.create(
            regie=regie,
            month=month,
            status=InvoiceRun.Status.ISSUED,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
            issued_at=now,
            invoice_count=len(drafts),
            total=sum((d.total for d in drafts), ZERO),
        )
        numbers = take_numbers(sequence, len(drafts))
        factures = _write(run, drafts, numbers, issued_on=issued_on, now=now, actor=actor)
        if with_pdf:
            from marelle.billing.services.pdf import store_pdfs

            store_pdfs(factures)
        _audit(run, factures, actor)
    return run


def _write(run: InvoiceRun, drafts: list[DraftInvoice], numbers: list[int], *, issued_on, now, actor) -> list[Facture]:
    regie = run.regie
    due_on = issued_on + dt.timedelta(days=regie.due_days)
    user = actor if getattr(actor, "is_authenticated", False) else None
    factures = []
    for draft, seq in zip(drafts, numbers, strict=True):
        total = draft.total
        credit = total < 0
        factures.append(
            Facture(
                famille=draft.responsable.famille,
                responsable=draft.responsable,
                number=format_number(regie, issued_on.year, seq),
                sequence=seq,
                issued_on=issued_on,
                due_on=due_on,
                total=-total if credit else total,
                kind=Facture.Kind.CREDIT_NOTE if credit else Facture.Kind.INVOICE,
                # Nothing to pay: a zero invoice (or a credit note) is settled at once.
                status=Facture.Status.PAID if total <= 0 else Facture.Status.ISSUED,
                regie=regie,
                run=run,
                month=run.month,
                issued_at=now,
                issued_by=user,
                reason=gettext_noop("Régularisation") if credit else "",
            )
        )
    Facture.objects.bulk_create(factures, batch_size=1000)
    line_rows = []
    for facture, draft in zip(factures, drafts, strict=True):
        for position, line in enumerate(draft.lines):
            row = FactureLine(
                facture=facture,
                position=position,
                enfant_id=line.enfant_id,
                service_id=line.service_id,
                label=line.label,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                price_explanation=line.explanation,
                state=line.state,
                day_from=line.day_from,
                day_to=line.day_to,
                days=line.days,
                is_regularisation=line.is_regularisation,
            )
            line_rows.append((row, line))
    FactureLine.objects.bulk_create([r for r, _line in line_rows], batch_size=2000)
    # Often a hundred thousand rows a month: plain tuples, copied in (no model instances).
    insert_rows(
        BilledCell,
        ["line_id", "regie_id", "enfant_id", "service_id", "date", "state", "quantity", "unit_price"],
        (
            (row.pk, regie.pk, c.enfant_id, c.service_id, c.date, c.state, c.quantity, c.unit_price)
            for row, line in line_rows
            for c in line.cells
        ),
    )
    for facture, draft in zip(factures, drafts, strict=True):
        facture.draft_lines = draft.lines  # for the PDF, without reading them back
    return factures


def _audit(run: InvoiceRun, factures: Iterable[Facture], actor) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    log_action(
        obj=run,
        action="run.issued",
        actor=actor,
        data={
            "regie": run.regie_id,
            "month": run.month.isoformat(),
            "count": run.invoice_count,
            "total": str(run.total),
        },
    )
    content_type = ContentType.objects.get_for_model(Facture)
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_id=str(f.pk),
                action="facture.issued",
                actor=user,
                data={"number": f.number, "total": str(f.total), "run": run.pk, "kind": f.kind},
            )
            for f in factures
        ],
        batch_size=2000,
    )
