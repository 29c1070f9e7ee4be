"""Every change of the planning: parents' demandes, agents' decisions, regular patterns,
closures. Each function is one transaction and writes one audit line per cell it changes.

The rules (who may do what, until when) are in `rules.py` and `deadlines.py`; this module
applies them under locks. Callers pass `now` so that time is a parameter, not a global.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marelle.families.models import Enfant
from marelle.planning import locking
from marelle.planning.context import ENFANT_RELATED, ChildContext, load_child_context
from marelle.planning.models import (
    FREE,
    OCCUPYING_STATES,
    AbsenceReason,
    Cell,
    CellChange,
    CellState,
    ContratRegulier,
    Demande,
    DemandeLine,
    Service,
    parse_weekdays,
)
from marelle.planning.notifications import notify_familles_on_commit
from marelle.planning.rules import CANCELLABLE, Action, Verdict, judge, local_today
from marelle.territory.models import Closure

MAX_CELLS_PER_DEMANDE = 400  # a school year of one service, twice over

KIND_FOR_ACTION = {
    Action.BOOK: Demande.Kind.RESERVATION,
    Action.ABSENCE: Demande.Kind.ABSENCE,
    Action.CANCEL: Demande.Kind.ANNULATION,
}


class PlanningError(Exception):
    """A refused change, with a message for the person who asked. Nothing was saved."""

    def __init__(self, message: str, *, code: str = "invalid", rejected: Sequence[Verdict] = ()):
        super().__init__(message)
        self.message = message
        self.code = code
        self.rejected = list(rejected)


@dataclass
class Outcome:
    service: Service
    day: dt.date
    from_state: str
    to_state: str


@dataclass
class SubmitResult:
    demande: Demande | None
    applied: list[Outcome] = field(default_factory=list)
    rejected: list[Verdict] = field(default_factory=list)
    duplicate: bool = False


def _day_label(day: dt.date) -> str:
    return date_format(day, "l j F Y")


# --------------------------------------------------------------------------- primitives


def write_cell_state(
    *,
    enfant: Enfant,
    service: Service,
    day: dt.date,
    to_state: str,
    actor,
    now: dt.datetime,
    cell: Cell | None = None,
    reason: str = "",
    demande: Demande | None = None,
    from_contrat: bool | None = None,
) -> Cell | None:
    """Move one cell to `to_state` (FREE deletes it) and write its audit line.

    `cell` is the row as locked by the caller (None when the day is free). Callers check
    that the transition is allowed; this only writes.
    """
    from_state = cell.state if cell else FREE
    if to_state == FREE:
        if cell is not None:
            cell.delete()
        result = None
    elif cell is None:
        result = Cell.objects.create(
            enfant=enfant,
            service=service,
            date=day,
            state=to_state,
            state_since=now,
            demande=demande,
            from_contrat=bool(from_contrat),
        )
    else:
        cell.state = to_state
        cell.state_since = now
        if demande is not None:
            cell.demande = demande
        if from_contrat is not None:
            cell.from_contrat = from_contrat
        cell.save(update_fields=["state", "state_since", "demande", "from_contrat"])
        result = cell
    CellChange.objects.create(
        enfant=enfant,
        service=service,
        date=day,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
        reason=reason[:255],
        demande=demande,
    )
    return result


def occupied_counts(keys: Iterable[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], int]:
    """Places taken per (service id, day), in one query."""
    keys = set(keys)
    if not keys:
        return {}
    services = {s for s, _ in keys}
    days = {d for _, d in keys}
    rows = (
        Cell.objects.filter(service_id__in=services, date__in=days, state__in=OCCUPYING_STATES)
        .values("service_id", "date")
        .annotate(n=Count("id"))
    )
    return {(r["service_id"], r["date"]): r["n"] for r in rows if (r["service_id"], r["date"]) in keys}


def promote_waiting_list(*, service_days: Iterable[tuple[Service, dt.date]], now: dt.datetime) -> list[Cell]:
    """Give freed places to the waiting list, first come first served. Constant queries.

    Must run inside the transaction that freed the places.
    """
    candidates = {
        (service.pk, day): service
        for service, day in service_days
        if service.capacity is not None and service.booking_mode == Service.BookingMode.AUTOMATIC
    }
    if not candidates:
        return []
    locking.lock_service_days(candidates.keys())
    waiting = list(
        Cell.objects.select_for_update()
        .filter(
            service_id__in={s for s, _ in candidates},
            date__in={d for _, d in candidates},
            state=CellState.WAITING,
        )
        .select_related("enfant")
        .order_by("state_since", "id")
    )
    waiting = [c for c in waiting if (c.service_id, c.date) in candidates]
    if not waiting:
        return []
    counts = occupied_counts(candidates.keys())
    promoted: list[Cell] = []
    for cell in waiting:
        key = (cell.service_id, cell.date)
        service = candidates[key]
        if counts.get(key, 0) >= service.capacity:
            continue
        counts[key] = counts.get(key, 0) + 1
        cell.state = CellState.BOOKED
        cell.state_since = now
        promoted.append(cell)
    if promoted:
        Cell.objects.bulk_update(promoted, ["state", "state_since"])
        CellChange.objects.bulk_create(
            CellChange(
                enfant_id=c.enfant_id,
                service_id=c.service_id,
                date=c.date,
                from_state=CellState.WAITING,
                to_state=CellState.BOOKED,
                actor=None,
                at=now,
                reason=_("Place libérée : liste d'attente"),
                demande_id=c.demande_id,
            )
            for c in promoted
        )
        messages: dict[int, tuple[str, str]] = {}
        for c in promoted:
            service = candidates[(c.service_id, c.date)]
            messages[c.enfant.famille_id] = (
                _("Marelle : une place s'est libérée"),
                _("Une place s'est libérée : %(child)s est inscrit(e) au service %(service)s le %(day)s.")
                % {"child": c.enfant.prenom, "service": service.name, "day": _day_label(c.date)},
            )
        notify_familles_on_commit(messages)
    return promoted


# --------------------------------------------------------------------------- parents


def _with_rules(enfant: Enfant) -> Enfant:
    """The child with what the deadline rules need (one query; writes are not the hot path)."""
    return Enfant.objects.select_related(*ENFANT_RELATED).get(pk=enfant.pk)


def demande_preview(
    *, enfant: Enfant, action: Action, cells: Sequence[tuple[int, dt.date]], now: dt.datetime
) -> list[Verdict]:
    """What `demande_submit` would do, without writing. Capacity is the only thing it cannot
    promise: an automatic booking may still land on the waiting list."""
    cells = sorted(set(cells), key=lambda c: (c[1], c[0]))
    if not cells:
        return []
    enfant = _with_rules(enfant)
    ctx = load_child_context(enfant, cells[0][1], cells[-1][1], service_ids={s for s, _ in cells})
    return [_judge_ref(ctx, action, service_id, day, now) for service_id, day in cells]


def _judge_ref(ctx: ChildContext, action: Action, service_id: int, day: dt.date, now: dt.datetime) -> Verdict:
    service = ctx.service(service_id)
    if service is None:
        # Not enrolled (or not a service of this child at all): same answer, no detail leaked.
        return Verdict(
            action=action,
            service=Service(pk=service_id, name="?"),
            day=day,
            from_state=FREE,
            error=_("%(child)s n'est pas inscrit(e) à ce service.") % {"child": ctx.enfant.prenom},
        )
    return judge(ctx, action, service, day, now)


def demande_submit(
    *,
    actor,
    enfant: Enfant,
    action: Action,
    cells: Sequence[tuple[int, dt.date]],
    now: dt.datetime,
    reason: str = "",
    comment: str = "",
    document=None,
    submission_key: str | None = None,
) -> SubmitResult:
    """A parent's action on one or many cells of one child.

    The allowed cells are applied and the others reported in `rejected`; when none is
    allowed, PlanningError is raised and nothing is saved. A `submission_key` seen before
    returns the demande it made (a double click makes one demande).
    """
    action = Action(action)
    cells = sorted(set(cells), key=lambda c: (c[1], c[0]))
    if not cells:
        raise PlanningError(_("Choisissez au moins un jour."), code="empty")
    if len(cells) > MAX_CELLS_PER_DEMANDE:
        raise PlanningError(
            _("Trop de jours à la fois (%(n)d au plus).") % {"n": MAX_CELLS_PER_DEMANDE}, code="too_many"
        )
    if action == Action.ABSENCE and reason not in AbsenceReason.values:
        raise PlanningError(_("Choisissez le motif de l'absence."), code="reason")
    if action != Action.ABSENCE:
        reason = ""
    if submission_key:
        existing = Demande.objects.filter(submission_key=submission_key, famille_id=enfant.famille_id).first()
        if existing is not None:
            return SubmitResult(demande=existing, duplicate=True)
    enfant = _with_rules(enfant)
    try:
        with transaction.atomic():
            return _submit_locked(
                actor=actor,
                enfant=enfant,
                action=action,
                cells=cells,
                now=now,
                reason=reason,
                comment=comment,
                document=document,
                submission_key=submission_key or None,
            )
    except IntegrityError as exc:
        # A concurrent twin of this request won (same key, or the same free cell).
        if submission_key:
            existing = Demande.objects.filter(submission_key=submission_key, famille_id=enfant.famille_id).first()
            if existing is not None:
                return SubmitResult(demande=existing, duplicate=True)
        raise PlanningError(
            _("Ces cases viennent d'être modifiées. Rechargez le planning et réessayez."), code="conflict"
        ) from exc


def _submit_locked(
    *,
    actor,
    enfant: Enfant,
    action: Action,
    cells: list[tuple[int, dt.date]],
    now: dt.datetime,
    reason: str,
    comment: str,
    document,
    submission_key: str | None,
) -> SubmitResult:
    ctx = load_child_context(enfant, cells[0][1], cells[-1][1], service_ids={s for s, _ in cells}, lock_cells=True)
    verdicts = [_judge_ref(ctx, action, service_id, day, now) for service_id, day in cells]
    allowed = [v for v in verdicts if v.allowed]
    rejected = [v for v in verdicts if not v.allowed]
    if not allowed:
        raise PlanningError(rejected[0].error or _("Action impossible."), rejected=rejected)

    demande = Demande.objects.create(
        famille_id=enfant.famille_id,
        enfant=enfant,
        kind=KIND_FOR_ACTION[action],
        status=Demande.Status.PENDING,
        reason=reason,
        comment=comment,
        document=document or "",
        created_by=actor,
        created_at=now,
        submission_key=submission_key,
    )

    if action == Action.BOOK:
        automatic = [v for v in allowed if v.service.booking_mode == Service.BookingMode.AUTOMATIC]
        capacity_keys = [(v.service.pk, v.day) for v in automatic if v.service.capacity is not None]
        locking.lock_service_days(capacity_keys)
        counts = occupied_counts(capacity_keys)
        locking.race_window()
    freed: list[tuple[Service, dt.date]] = []
    originals: set[int] = set()
    applied: list[Outcome] = []
    for verdict in allowed:
        to_state = verdict.to_state
        assert to_state is not None
        key = (verdict.service.pk, verdict.day)
        if action == Action.BOOK and to_state == CellState.BOOKED and verdict.service.capacity is not None:
            if counts.get(key, 0) >= verdict.service.capacity:
                to_state = CellState.WAITING
            else:
                counts[key] = counts.get(key, 0) + 1
        cell = ctx.cell(verdict.service, verdict.day)
        if action == Action.CANCEL and cell is not None and cell.demande_id:
            originals.add(cell.demande_id)
        write_cell_state(
            enfant=enfant,
            service=verdict.service,
            day=verdict.day,
            to_state=to_state,
            actor=actor,
            now=now,
            cell=cell,
            reason=str(AbsenceReason(reason).label) if reason else "",
            demande=demande,
        )
        if verdict.from_state in OCCUPYING_STATES and to_state not in OCCUPYING_STATES:
            freed.append((verdict.service, verdict.day))
        applied.append(Outcome(verdict.service, verdict.day, verdict.from_state, to_state))

    DemandeLine.objects.bulk_create(
        DemandeLine(demande=demande, service=o.service, date=o.day, from_state=o.from_state, to_state=o.to_state)
        for o in applied
    )
    waits_for_agent = any(o.to_state in {CellState.PENDING, CellState.ABSENCE_PENDING} for o in applied)
    if not waits_for_agent:
        demande.status = Demande.Status.ACCEPTED
        demande.decided_at = now
        demande.save(update_fields=["status", "decided_at"])
    if originals:
        _close_emptied_demandes(originals, now)
    promote_waiting_list(service_days=freed, now=now)
    return SubmitResult(demande=demande, applied=applied, rejected=rejected)


PENDING_STATES = frozenset(CANCELLABLE)
# What an agent decides (SPEC §5): a waiting list moves only when a place frees, in order.
DECIDABLE_STATES = frozenset({CellState.PENDING, CellState.ABSENCE_PENDING})


def _close_emptied_demandes(demande_ids: set[int], now: dt.datetime) -> None:
    """A pending demande whose every cell was cancelled one by one is itself cancelled."""
    still_pending = set(
        Cell.objects.filter(demande_id__in=demande_ids, state__in=DECIDABLE_STATES).values_list("demande_id", flat=True)
    )
    Demande.objects.filter(pk__in=demande_ids - still_pending, status=Demande.Status.PENDING).update(
        status=Demande.Status.CANCELLED, decided_at=now
    )


def demande_cancel(*, actor, demande: Demande, now: dt.datetime) -> Demande:
    """'Annuler la demande' from the list: every cell it still holds goes back. Idempotent."""
    with transaction.atomic():
        demande = Demande.objects.select_for_update().get(pk=demande.pk)
        if demande.status == Demande.Status.CANCELLED:
            return demande
        if demande.status != Demande.Status.PENDING:
            raise PlanningError(_("Cette demande a déjà été traitée : elle ne peut plus être annulée."), code="decided")
        enfant = demande.enfant
        cells = list(
            Cell.objects.select_for_update().filter(demande=demande, state__in=PENDING_STATES).select_related("service")
        )
        # As on the grid: a parent acts only on days to come (SPEC §5); an agent decides the rest.
        if any(cell.date < local_today(now) for cell in cells):
            raise PlanningError(
                _("Cette demande porte sur un jour passé : elle ne peut plus être annulée."), code="past"
            )
        for cell in cells:
            write_cell_state(
                enfant=enfant,
                service=cell.service,
                day=cell.date,
                to_state=CANCELLABLE[cell.state],
                actor=actor,
                now=now,
                cell=cell,
                reason=_("Demande annulée par la famille"),
                demande=demande,
            )
        demande.status = Demande.Status.CANCELLED
        demande.decided_at = now
        demande.save(update_fields=["status", "decided_at"])
        return demande


# --------------------------------------------------------------------------- agents


DECISIONS = {
    # (demande kind, accepted?) → {cell state the demande left: state after the decision}
    (Demande.Kind.RESERVATION, True): {CellState.PENDING: CellState.BOOKED},
    (Demande.Kind.RESERVATION, False): {CellState.PENDING: CellState.REFUSED},
    (Demande.Kind.ABSENCE, True): {CellState.ABSENCE_PENDING: CellState.ABSENCE_EXCUSED},
    (Demande.Kind.ABSENCE, False): {CellState.ABSENCE_PENDING: CellState.ABSENCE_BILLED},
}


@dataclass
class DecisionResult:
    decided: list[Demande]
    already_decided: int = 0


def demandes_decide(
    *,
    actor,
    demande_ids: Iterable[int],
    accept: bool,
    now: dt.datetime,
    comment: str = "",
    force_capacity: bool = False,
) -> DecisionResult:
    """Accept or refuse pending demandes, in bulk, in a constant number of queries.

    Deciding twice changes nothing. Accepting bookings beyond a service's capacity is
    refused unless `force_capacity` (the agent confirmed). Callers scope `demande_ids`
    to the agent's communes.
    """
    demande_ids = set(demande_ids)
    if not accept and not comment.strip():
        raise PlanningError(_("Indiquez le motif du refus."), code="reason")
    with transaction.atomic():
        demandes = list(Demande.objects.select_for_update().filter(pk__in=demande_ids).order_by("pk"))
        pending = [d for d in demandes if d.status == Demande.Status.PENDING]
        already = len(demandes) - len(pending)
        if not pending:
            return DecisionResult(decided=[], already_decided=already)
        by_id = {d.pk: d for d in pending}
        cells = list(
            Cell.objects.select_for_update()
            .filter(demande_id__in=by_id.keys(), state__in=PENDING_STATES)
            .select_related("service", "enfant")
            .order_by("date", "service_id", "pk")
        )
        moves: list[tuple[Cell, str]] = []
        for cell in cells:
            demande = by_id[cell.demande_id]
            to_state = DECISIONS.get((demande.kind, accept), {}).get(cell.state)
            if to_state:
                moves.append((cell, to_state))

        # Places a decision takes (a pending booking accepted), counted where capacity is set.
        taking = [
            (c.service_id, c.date)
            for c, to_state in moves
            if to_state in OCCUPYING_STATES and c.state not in OCCUPYING_STATES and c.service.capacity is not None
        ]
        capacity_keys = set(taking)
        if capacity_keys and not force_capacity:
            locking.lock_service_days(capacity_keys)
            counts = occupied_counts(capacity_keys)
            services = {c.service_id: c.service for c, _ in moves}
            wanted: dict[tuple[int, dt.date], int] = defaultdict(int)
            for key in taking:
                wanted[key] += 1
            for key, n in sorted(wanted.items(), key=lambda kv: kv[0][1]):
                service = services[key[0]]
                if counts.get(key, 0) + n > service.capacity:
                    raise PlanningError(
                        _(
                            "%(service)s est complet le %(day)s (%(taken)d places prises sur %(capacity)d). "
                            "Confirmez pour accepter au-delà de la capacité."
                        )
                        % {
                            "service": service.name,
                            "day": _day_label(key[1]),
                            "taken": counts.get(key, 0),
                            "capacity": service.capacity,
                        },
                        code="capacity",
                    )

        freed: list[tuple[Service, dt.date]] = []
        changes: list[CellChange] = []
        for cell, to_state in moves:
            if cell.state in OCCUPYING_STATES and to_state not in OCCUPYING_STATES:
                freed.append((cell.service, cell.date))
            changes.append(
                CellChange(
                    enfant_id=cell.enfant_id,
                    service_id=cell.service_id,
                    date=cell.date,
                    from_state=cell.state,
                    to_state=to_state,
                    actor=actor,
                    at=now,
                    reason=comment[:255],
                    demande_id=cell.demande_id,
                )
            )
            cell.state = to_state
            cell.state_since = now
        Cell.objects.bulk_update([c for c, _ in moves], ["state", "state_since"])
        CellChange.objects.bulk_create(changes)
        status = Demande.Status.ACCEPTED if accept else Demande.Status.REFUSED
        Demande.objects.filter(pk__in=by_id.keys()).update(
            status=status, decided_by=actor, decided_at=now, agent_comment=comment
        )
        for demande in pending:
            demande.status, demande.decided_by, demande.decided_at, demande.agent_comment = status, actor, now, comment
        promote_waiting_list(service_days=freed, now=now)

        verb = _("acceptée") if accept else _("refusée")
        notify_familles_on_commit(
            {
                d.famille_id: (
                    _("Marelle : votre demande a été %(verb)s") % {"verb": verb},
                    _("Votre demande de %(kind)s du %(day)s a été %(verb)s.%(comment)s")
                    % {
                        "kind": d.get_kind_display(),
                        "day": _day_label(d.created_at.date()),
                        "verb": verb,
                        "comment": f"\n\n{comment}" if comment else "",
                    },
                )
                for d in pending
            }
        )
        return DecisionResult(decided=pending, already_decided=already)


def demande_decide(
    *, actor, demande: Demande, accept: bool, now: dt.datetime, comment: str = "", force_capacity: bool = False
) -> bool:
    """One demande; True if this call decided it, False if it was already decided."""
    result = demandes_decide(
        actor=actor, demande_ids=[demande.pk], accept=accept, now=now, comment=comment, force_capacity=force_capacity
    )
    return bool(result.decided)


def cell_set_state(
    *, actor, enfant: Enfant, service: Service, day: dt.date, to_state: str, reason: str, now: dt.datetime
) -> Cell | None:
    """Agent mode: any state, no deadline, with a reason. Callers scope enfant and service."""
    if to_state != FREE and to_state not in CellState.values:
        raise PlanningError(_("État inconnu."), code="state")
    if not reason.strip():
        raise PlanningError(_("Indiquez la raison du changement."), code="reason")
    with transaction.atomic():
        locking.lock_service_days([(service.pk, day)])
        cell = Cell.objects.select_for_update().filter(enfant=enfant, service=service, date=day).first()
        from_state = cell.state if cell else FREE
        if from_state == to_state:
            return cell
        result = write_cell_state(
            enfant=enfant, service=service, day=day, to_state=to_state, actor=actor, now=now, cell=cell, reason=reason
        )
        if from_state in OCCUPYING_STATES and to_state not in OCCUPYING_STATES:
            promote_waiting_list(service_days=[(service, day)], now=now)
        return result


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def contrat_apply(*, actor, contrat: ContratRegulier, now: dt.datetime, from_date: dt.date | None = None) -> int:
    """Book the contract's weekdays over its period (from `from_date` on), skipping closed
    days and days that already have a state. Returns the number of days booked."""
    inscription = contrat.inscription
    enfant = Enfant.objects.select_related(*ENFANT_RELATED).get(pk=inscription.enfant_id)
    first = max(contrat.start_date, inscription.start_date, from_date or contrat.start_date)
    last = min(contrat.end_date, inscription.end_date)
    if first > last:
        return 0
    weekdays = parse_weekdays(contrat.weekdays)
    with transaction.atomic():
        ctx = load_child_context(enfant, first, last, service_ids={inscription.service_id}, lock_cells=True)
        service = ctx.service(inscription.service_id)
        if service is None:
            return 0
        new = [
            day
            for day in _days(first, last)
            if day.weekday() in weekdays
            and service.is_open_on(day)
            and ctx.cell(service, day) is None
            and ctx.closure_on(service, day) is None
        ]
        Cell.objects.bulk_create(
            Cell(enfant=enfant, service=service, date=day, state=CellState.BOOKED, state_since=now, from_contrat=True)
            for day in new
        )
        CellChange.objects.bulk_create(
            CellChange(
                enfant=enfant,
                service=service,
                date=day,
                from_state=FREE,
                to_state=CellState.BOOKED,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                at=now,
                reason=_("Contrat régulier"),
            )
            for day in new
        )
        return len(new)


def contrat_change(
    *, actor, contrat: ContratRegulier, weekdays: str, from_date: dt.date, now: dt.datetime
) -> ContratRegulier:
    """Change a contract's weekdays from `from_date` onward without touching earlier days.

    The old contract ends the day before; its bookings from `from_date` on weekdays that
    the new one drops are freed (only untouched contract bookings: an absence stays)."""
    new_days = parse_weekdays(weekdays)
    if not new_days:
        raise PlanningError(_("Choisissez au moins un jour de la semaine."), code="weekdays")
    with transaction.atomic():
        contrat = ContratRegulier.objects.select_for_update().select_related("inscription").get(pk=contrat.pk)
        from_date = max(from_date, contrat.start_date)
        if from_date > contrat.end_date:
            raise PlanningError(_("Ce contrat est déjà terminé à cette date."), code="ended")
        inscription = contrat.inscription
        dropped = [
            c
            for c in Cell.objects.select_for_update()
            .filter(
                enfant_id=inscription.enfant_id,
                service_id=inscription.service_id,
                date__gte=from_date,
                date__lte=contrat.end_date,
                state=CellState.BOOKED,
                from_contrat=True,
            )
            .select_related("service", "enfant")
            if c.date.weekday() not in new_days
        ]
        for cell in dropped:
            write_cell_state(
                enfant=cell.enfant,
                service=cell.service,
                day=cell.date,
                to_state=FREE,
                actor=actor,
                now=now,
                cell=cell,
                reason=_("Contrat régulier modifié"),
            )
        promote_waiting_list(service_days=[(c.service, c.date) for c in dropped], now=now)
        end = contrat.end_date
        if from_date <= contrat.start_date:
            contrat.weekdays = weekdays
            contrat.save(update_fields=["weekdays"])
            successor = contrat
        else:
            contrat.end_date = from_date - dt.timedelta(days=1)
            contrat.save(update_fields=["end_date"])
            successor = ContratRegulier.objects.create(
                inscription=inscription, weekdays=weekdays, start_date=from_date, end_date=end
            )
        contrat_apply(actor=actor, contrat=successor, now=now, from_date=from_date)
        return successor


CLOSABLE_STATES = (CellState.BOOKED, CellState.PENDING, CellState.WAITING)


def closure_apply(*, actor, closure: Closure, now: dt.datetime) -> int:
    """Turn the booked, pending and waiting cells of a new closure's days to Fermeture and
    tell the families. Pending demandes left with nothing to decide are refused."""
    with transaction.atomic():
        cells_qs = Cell.objects.select_for_update().filter(
            date__gte=closure.start_date,
            date__lte=closure.end_date,
            state__in=CLOSABLE_STATES,
            service__etablissement__commune_id=closure.commune_id,
        )
        if closure.etablissement_id:
            cells_qs = cells_qs.filter(service__etablissement_id=closure.etablissement_id)
        service_ids = list(closure.services.values_list("pk", flat=True))
        if service_ids:
            cells_qs = cells_qs.filter(service_id__in=service_ids)
        cells = list(cells_qs.select_related("enfant", "service"))
        if not cells:
            return 0
        reason = _("Fermeture : %(label)s") % {"label": closure.label}
        CellChange.objects.bulk_create(
            CellChange(
                enfant_id=c.enfant_id,
                service_id=c.service_id,
                date=c.date,
                from_state=c.state,
                to_state=CellState.CLOSED,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                at=now,
                reason=reason[:255],
                demande_id=c.demande_id,
            )
            for c in cells
        )
        demande_ids = {
            c.demande_id for c in cells if c.state in (CellState.PENDING, CellState.WAITING) and c.demande_id
        }
        for c in cells:
            c.state, c.state_since = CellState.CLOSED, now
        Cell.objects.bulk_update(cells, ["state", "state_since"])
        if demande_ids:
            still = set(
                Cell.objects.filter(demande_id__in=demande_ids, state__in=DECIDABLE_STATES).values_list(
                    "demande_id", flat=True
                )
            )
            Demande.objects.filter(pk__in=demande_ids - still, status=Demande.Status.PENDING).update(
                status=Demande.Status.REFUSED, decided_at=now, decided_by=actor, agent_comment=reason
            )
        by_famille: dict[int, set[str]] = defaultdict(set)
        for c in cells:
            by_famille[c.enfant.famille_id].add(c.enfant.prenom)
        period = (
            _day_label(closure.start_date)
            if closure.start_date == closure.end_date
            else _("du %(start)s au %(end)s")
            % {"start": _day_label(closure.start_date), "end": _day_label(closure.end_date)}
        )
        notify_familles_on_commit(
            {
                famille_id: (
                    _("Marelle : fermeture du service"),
                    _(
                        "Le service sera fermé %(period)s (%(label)s). Les réservations de %(children)s ce(s) jour(s) sont annulées et ne seront pas facturées."
                    )
                    % {"period": period, "label": closure.label, "children": ", ".join(sorted(names))},
                )
                for famille_id, names in by_famille.items()
            }
        )
        return len(cells)
