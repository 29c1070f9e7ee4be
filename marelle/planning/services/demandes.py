"""Parents' demandes: book, declare an absence, cancel — on one cell or many at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marelle.core.dates import in_range
from marelle.core.text import COMMENT_MAX_CHARS, too_long_message
from marelle.families.access import acting_responsable, kept_apart, responsable_may_act
from marelle.families.models import Enfant, Responsable
from marelle.planning import locking
from marelle.planning.context import ENFANT_RELATED, ChildContext, load_child_context
from marelle.planning.models import (
    FREE,
    OCCUPYING_STATES,
    AbsenceReason,
    Cell,
    CellState,
    Demande,
    DemandeLine,
    Inscription,
    Service,
)
from marelle.planning.rules import CANCELLABLE, NOT_PAYER, Action, Verdict, judge, local_today
from marelle.planning.services.common import (
    PENDING_STATES,
    Outcome,
    PlanningError,
    _close_emptied_demandes,
    occupied_counts,
    promote_waiting_list,
    write_cell_state,
)

MAX_CELLS_PER_DEMANDE = 400  # a school year of one service, twice over
# From the first to the last day of one demande: a school year and its margins. Checked before
# any calendar work, which grows with the span (a span of millennia costs seconds of CPU).
MAX_SPAN_DAYS = 400


def check_cells_bounds(cells: Sequence[tuple[int, dt.date]], *, count: bool = True) -> None:
    """PlanningError unless the cells (sorted by day) are few enough (when `count`), within a
    sane range of years and within MAX_SPAN_DAYS of each other."""
    if count and len(cells) > MAX_CELLS_PER_DEMANDE:
        raise PlanningError(
            _("Trop de jours à la fois (%(n)d au plus).") % {"n": MAX_CELLS_PER_DEMANDE}, code="too_many"
        )
    if not all(in_range(day) for _service, day in cells):
        raise PlanningError(_("Ce jour est en dehors du calendrier."), code="out_of_range")
    if cells and (cells[-1][1] - cells[0][1]).days > MAX_SPAN_DAYS:
        raise PlanningError(
            _("Une demande couvre %(n)d jours au plus, du premier au dernier.") % {"n": MAX_SPAN_DAYS},
            code="too_long",
        )


KIND_FOR_ACTION = {
    Action.BOOK: Demande.Kind.RESERVATION,
    Action.ABSENCE: Demande.Kind.ABSENCE,
    Action.CANCEL: Demande.Kind.ANNULATION,
}


@dataclass
class SubmitResult:
    demande: Demande | None
    applied: list[Outcome] = field(default_factory=list)
    rejected: list[Verdict] = field(default_factory=list)
    duplicate: bool = False


def _with_rules(enfant: Enfant) -> Enfant:
    """The child with what the deadline rules need: as given when the caller loaded it so
    (the portal's views do), else read again (one query)."""
    if all(_cached(enfant, path) for path in ENFANT_RELATED):
        return enfant
    return Enfant.objects.select_related(*ENFANT_RELATED).get(pk=enfant.pk)


def _cached(obj, path: str) -> bool:
    for name in path.split("__"):
        if obj is None:
            return True  # a missing link (no planning defaults): nothing further to load
        field = obj._meta.get_field(name)
        if not field.is_cached(obj):
            return False
        try:
            obj = getattr(obj, name)
        except ObjectDoesNotExist:  # cached as missing (a commune without planning defaults)
            return True
    return True


def demande_preview(
    *, enfant: Enfant, action: Action, cells: Sequence[tuple[int, dt.date]], now: dt.datetime, actor=None
) -> list[Verdict]:
    """What `demande_submit` would do for `actor`, without writing. Capacity is the only thing
    it cannot promise: an automatic booking may still land on the waiting list. PlanningError for
    cells out of bounds (see check_cells_bounds; their number is checked on submit only)."""
    cells = sorted(set(cells), key=lambda c: (c[1], c[0]))
    if not cells:
        return []
    check_cells_bounds(cells, count=False)
    enfant = _with_rules(enfant)
    ctx = load_child_context(
        enfant, cells[0][1], cells[-1][1], service_ids={s for s, _ in cells}, acting=acting_responsable(actor)
    )
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
    allowed, PlanningError is raised and nothing is saved (code NOT_PAYER when every cell
    belongs to the other responsable of separated parents: families/access.py). A `submission_key` seen before
    returns the demande it made (a double click makes one demande).
    """
    action = Action(action)
    cells = sorted(set(cells), key=lambda c: (c[1], c[0]))
    if not cells:
        raise PlanningError(_("Choisissez au moins un jour."), code="empty")
    check_cells_bounds(cells)
    if len(comment) > COMMENT_MAX_CHARS:
        raise PlanningError(too_long_message(COMMENT_MAX_CHARS, len(comment)), code="comment")
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
            if submission_key:
                # A twin request (double click, resent form) waits here for the first one to
                # commit, then finds its demande: the same answer, not "not allowed on this cell".
                locking.lock_submission(enfant.famille_id, submission_key)
                existing = Demande.objects.filter(submission_key=submission_key, famille_id=enfant.famille_id).first()
                if existing is not None:
                    return SubmitResult(demande=existing, duplicate=True)
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
    ctx = load_child_context(
        enfant,
        cells[0][1],
        cells[-1][1],
        service_ids={s for s, _ in cells},
        lock_cells=True,
        acting=acting_responsable(actor),
    )
    verdicts = [_judge_ref(ctx, action, service_id, day, now) for service_id, day in cells]
    allowed = [v for v in verdicts if v.allowed]
    rejected = [v for v in verdicts if not v.allowed]
    if not allowed:
        code = NOT_PAYER if all(v.code == NOT_PAYER for v in rejected) else "invalid"
        raise PlanningError(rejected[0].error or _("Action impossible."), code=code, rejected=rejected)

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


def cancellable_by(acting: Responsable | None, demandes: Sequence[Demande]) -> set[int]:
    """The ids of `demandes` (with their lines prefetched) that `acting` may cancel: those
    whose every day is on an inscription they may act on (all of them but for separated
    parents). One query when the family keeps its responsables apart, none otherwise."""
    if acting is None or not kept_apart(acting.famille):
        return {d.pk for d in demandes}
    enfant_ids = {d.enfant_id for d in demandes}
    if not enfant_ids:
        return set()
    inscriptions = list(Inscription.objects.filter(enfant_id__in=enfant_ids).select_related("responsable"))

    def may_act_on(demande: Demande, line: DemandeLine) -> bool:
        return any(
            i.enfant_id == demande.enfant_id
            and i.service_id == line.service_id
            and i.covers(line.date)
            and responsable_may_act(acting, i)
            for i in inscriptions
        )

    return {d.pk for d in demandes if all(may_act_on(d, line) for line in d.lines.all())}


def demande_cancel(*, actor, demande: Demande, now: dt.datetime) -> Demande:
    """'Annuler la demande' from the list: every cell it still holds goes back. Idempotent.
    A parent cancels only a demande on days they may act on (see `cancellable_by`)."""
    with transaction.atomic():
        demande = Demande.objects.select_for_update().get(pk=demande.pk)
        if demande.status == Demande.Status.CANCELLED:
            return demande
        if demande.status != Demande.Status.PENDING:
            raise PlanningError(_("Cette demande a déjà été traitée : elle ne peut plus être annulée."), code="decided")
        if demande.pk not in cancellable_by(acting_responsable(actor), [demande]):
            raise PlanningError(
                _(
                    "Cette demande porte sur un service réglé par l'autre responsable : "
                    "vous pouvez la consulter, pas l'annuler."
                ),
                code=NOT_PAYER,
            )
        enfant = demande.enfant
        cells = list(
            Cell.objects.select_for_update().filter(demande=demande, state__in=PENDING_STATES).select_related("service")
        )
        # As on the grid: a parent acts only on days to come; an agent decides the rest.
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
                reason=gettext_noop("Demande annulée par la famille"),
                demande=demande,
            )
        demande.status = Demande.Status.CANCELLED
        demande.decided_at = now
        demande.save(update_fields=["status", "decided_at"])
        return demande


# --------------------------------------------------------------------------- agents
