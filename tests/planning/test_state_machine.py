"""A model-based test of the planning's state machine (docs/domain.md#transitions).

Hypothesis drives parents (book, absence, cancel — many cells at once — and "Annuler la
demande" from the list), agents (accept / refuse, sometimes forcing capacity; "set state";
a closure created on the fly) and a clock that only moves forward, often straight onto a
cut-off minute. A plain-Python reference model says what each action must do; after every
step the database is compared with it and the invariants below are checked.

One small world is built once per test; every example runs inside a savepoint that is
rolled back, so examples do not see each other's data.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from marelle.planning import deadlines, services
from marelle.planning.context import public_holidays_around
from marelle.planning.models import (
    FREE,
    OCCUPYING_STATES,
    AbsenceReason,
    Cell,
    CellChange,
    CellState,
    DeadlineRule,
    Demande,
    DemandeLine,
    PlanningDefaults,
    Service,
)
from marelle.planning.rules import Action
from tests import factories as f
from tests.planning.conftest import paris

# Monday 7 → Wednesday 16 December 2026: two school weeks around a weekend.
DAYS = [dt.date(2026, 12, 7) + dt.timedelta(days=i) for i in range(10)]
CLOSURE_DAY = dt.date(2026, 12, 10)  # a Thursday, closed from the start
START = paris(2026, 12, 3, 8, 0)  # Thursday before: everything still ahead
END = paris(2026, 12, 17, 0, 0)

BOOKABLE_FROM = {FREE, CellState.REFUSED, CellState.ABSENCE_EXCUSED}
CANCELLABLE = {CellState.PENDING: FREE, CellState.WAITING: FREE, CellState.ABSENCE_PENDING: CellState.BOOKED}
PENDING_STATES = set(CANCELLABLE)
AWAITING_AGENT = {CellState.PENDING, CellState.ABSENCE_PENDING}
CLOSABLE = {CellState.BOOKED, CellState.PENDING, CellState.WAITING}
# docs/domain.md#transitions: an agent accepts / refuses a pending booking or a pending absence. The waiting list
# moves only when a place frees ("system", in order of request).
DECISIONS = {
    (Demande.Kind.RESERVATION, True): {CellState.PENDING: CellState.BOOKED},
    (Demande.Kind.RESERVATION, False): {CellState.PENDING: CellState.REFUSED},
    (Demande.Kind.ABSENCE, True): {CellState.ABSENCE_PENDING: CellState.ABSENCE_EXCUSED},
    (Demande.Kind.ABSENCE, False): {CellState.ABSENCE_PENDING: CellState.ABSENCE_BILLED},
}
KIND = {Action.BOOK: Demande.Kind.RESERVATION, Action.ABSENCE: Demande.Kind.ABSENCE, Action.CANCEL: "annulation"}
# "Set state" may put any state; not WAITING, which would put a cell on the list of a day
# with places left (an agent's choice, not a bug) and void the waiting-list invariant.
AGENT_TARGETS = sorted({FREE, *CellState.values} - {CellState.WAITING})

EXAMPLES = int(os.environ.get("MARELLE_SM_EXAMPLES", "30"))
STEPS = int(os.environ.get("MARELLE_SM_STEPS", "25"))
STATS: Counter = Counter()  # what the runs exercised (MARELLE_SM_STATS=1 prints it)


def event(what: str) -> None:
    STATS[what] += 1


@dataclass
class SMWorld:
    services: list  # [garderie (automatic, capacity 2), cantine (sur validation, capacity 2)]
    enfants: list
    parents: list  # users, one per enfant (each enfant in its own family)
    enrolled: dict  # enfant pk → set of service pks
    agent: object
    commune: object
    defaults: PlanningDefaults


def build_world() -> SMWorld:
    commune = f.CommuneFactory(name="Saint-Marcellin", slug="saint-marcellin")
    etab = f.EtablissementFactory(commune=commune, name="École du Mail")
    year = f.SchoolYearFactory(commune=commune)
    booking = DeadlineRule.objects.create(commune=commune, kind=DeadlineRule.Kind.CALENDAR_DAYS, days=2)
    cancel = DeadlineRule.objects.create(commune=commune, kind=DeadlineRule.Kind.CALENDAR_DAYS, days=1)
    defaults = PlanningDefaults.objects.create(commune=commune, booking_rule=booking, cancel_rule=cancel)
    garderie = f.ServiceFactory(
        etablissement=etab,
        name="GARDERIE MATIN",
        weekdays="01234",
        start_time=dt.time(7, 30),
        end_time=dt.time(8, 30),
        booking_mode=Service.BookingMode.AUTOMATIC,
        capacity=2,
        position=1,
        booking_rule=DeadlineRule.objects.create(commune=commune, kind=DeadlineRule.Kind.HOURS_BEFORE, hours=24),
        cancel_rule=DeadlineRule.objects.create(
            commune=commune, kind=DeadlineRule.Kind.WORKING_DAYS, days=1, at_time=dt.time(18, 0)
        ),
    )
    cantine = f.ServiceFactory(
        etablissement=etab,
        name="RESTAURATION",
        weekdays="0134",
        booking_mode=Service.BookingMode.VALIDATION,
        capacity=2,
        position=2,
    )
    enfants, parents, enrolled = [], [], {}
    for i in range(3):
        famille = f.FamilleFactory(commune=commune)
        parent = f.ResponsableFactory(famille=famille)
        enfant = f.EnfantFactory(famille=famille, etablissement=etab, prenom=f"E{i}")
        # The third child has no cantine: "not enrolled" is part of the game.
        mine = [garderie, cantine] if i < 2 else [garderie]
        for service in mine:
            f.InscriptionFactory(enfant=enfant, service=service, school_year=year, responsable=parent)
        enfants.append(enfant)
        parents.append(parent.user)
        enrolled[enfant.pk] = {s.pk for s in mine}
    f.ClosureFactory(commune=commune, start_date=CLOSURE_DAY, end_date=CLOSURE_DAY, label="Pont")
    agent = f.AgentFactory(communes=[commune])
    return SMWorld([garderie, cantine], enfants, parents, enrolled, agent.user, commune, defaults)


@dataclass
class MCell:
    state: str
    since: dt.datetime
    seq: int  # creation order of the row: the waiting list's tie-break (cell id)
    demande: int | None


@dataclass
class MDemande:
    kind: str
    status: str
    child: int  # index into world.enfants
    cells: set = field(default_factory=set)


def db_cells() -> dict:
    return {
        (c.enfant_id, c.service_id, c.date): (c.state, c.demande_id, c.state_since)
        for c in Cell.objects.all().only("enfant_id", "service_id", "date", "state", "demande_id", "state_since")
    }


def db_snapshot() -> tuple:
    return (
        sorted(Cell.objects.values_list()),
        sorted(Demande.objects.values_list()),
        sorted(DemandeLine.objects.values_list()),
        sorted(CellChange.objects.values_list("pk", flat=True)),
    )


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


class PlanningMachine(RuleBasedStateMachine):
    W: SMWorld  # set by the test before the run

    def __init__(self):
        super().__init__()
        self.sid = transaction.savepoint()
        self.now = START
        self.cells: dict[tuple, MCell] = {}
        self.seq = 0
        self.demandes: dict[int, MDemande] = {}
        self.transitions: Counter = Counter()
        self.closed_days = {CLOSURE_DAY}
        self.overbooked: set[tuple] = set()  # (service pk, day) an agent filled beyond capacity
        self.agent_set: set[tuple] = set()  # cells whose state an agent set by hand
        self.agent_touched: set[int] = set()  # demandes one of whose cells an agent set by hand

    def teardown(self):
        transaction.savepoint_rollback(self.sid)

    # ------------------------------------------------------------------ the reference model

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(deadlines.PARIS).date()

    def service(self, pk: int) -> Service:
        return next(s for s in self.W.services if s.pk == pk)

    def rule_of(self, service: Service, which: str):
        return getattr(service, f"{which}_rule") or getattr(self.W.defaults, f"{which}_rule")

    def in_time(self, service: Service, day: dt.date, which: str) -> bool:
        cutoff = deadlines.cutoff_for(
            self.rule_of(service, which),
            day,
            service_start=service.start_time,
            holidays=public_holidays_around(day, day),
        )
        return deadlines.is_in_time(self.now, cutoff)

    def state(self, key) -> str:
        cell = self.cells.get(key)
        return cell.state if cell else FREE

    def occupied(self, service_pk: int, day: dt.date) -> int:
        return sum(
            1 for (_, s, d), c in self.cells.items() if s == service_pk and d == day and c.state in OCCUPYING_STATES
        )

    def parent_may_touch(self, enfant_pk: int, service_pk: int, day: dt.date) -> bool:
        service = self.service(service_pk)
        return (
            service_pk in self.W.enrolled[enfant_pk]
            and day >= self.today
            and service.is_open_on(day)
            and day not in self.closed_days
        )

    def write(self, key, to_state: str, demande: int | None = None) -> None:
        cell = self.cells.get(key)
        from_state = cell.state if cell else FREE
        assert from_state != to_state
        self.transitions[(*key, from_state, to_state)] += 1
        if to_state == FREE:
            del self.cells[key]
        elif cell is None:
            self.seq += 1
            self.cells[key] = MCell(to_state, self.now, self.seq, demande)
        else:
            cell.state, cell.since = to_state, self.now
            if demande is not None:
                cell.demande = demande

    def promote(self, service_pk: int, day: dt.date) -> None:
        service = self.service(service_pk)
        if service.booking_mode != Service.BookingMode.AUTOMATIC or service.capacity is None:
            return
        waiting = sorted(
            (c.since, c.seq, key)
            for key, c in self.cells.items()
            if key[1] == service_pk and key[2] == day and c.state == CellState.WAITING
        )
        for _, _, key in waiting:
            if self.occupied(service_pk, day) < service.capacity:
                event("promotion")
                self.write(key, CellState.BOOKED)

    def linked(self, demande_pk: int, states) -> list:
        return [k for k, c in self.cells.items() if c.demande == demande_pk and c.state in states]

    def note_overbooking(self) -> None:
        for service in self.W.services:
            for day in DAYS:
                if service.capacity is not None and self.occupied(service.pk, day) > service.capacity:
                    self.overbooked.add((service.pk, day))

    def parent_verdict(self, action: Action, key, reason: str) -> str | None:
        """The state docs/domain.md#transitions leads to, or None when the cell is refused."""
        enfant_pk, service_pk, day = key
        if not self.parent_may_touch(enfant_pk, service_pk, day):
            return None
        service, from_state = self.service(service_pk), self.state(key)
        if action == Action.BOOK:
            if from_state not in BOOKABLE_FROM or not self.in_time(service, day, "booking"):
                return None
            return CellState.PENDING if service.booking_mode == Service.BookingMode.VALIDATION else CellState.BOOKED
        if action == Action.ABSENCE:
            if from_state != CellState.BOOKED:
                return None
            return CellState.ABSENCE_EXCUSED if self.in_time(service, day, "cancel") else CellState.ABSENCE_PENDING
        return CANCELLABLE.get(from_state)

    # ------------------------------------------------------------------ helpers on the db side

    def expect_refusal(self, call) -> None:
        """A PlanningError leaves the database exactly as it was."""
        before = db_snapshot()
        with pytest.raises(services.PlanningError):
            call()
        assert db_snapshot() == before, "a PlanningError saved something"

    def check_parent_touched_only_allowed_days(self, before: dict, enfant_pk: int, promoted_ok: set) -> None:
        after = db_cells()
        for key in set(before) | set(after):
            was, now = before.get(key, (FREE,))[0], after.get(key, (FREE,))[0]
            if was == now or key in self.agent_set:
                continue
            if (
                key[0] != enfant_pk
                and (key[1], key[2]) in promoted_ok
                and (was, now)
                == (
                    CellState.WAITING,
                    CellState.BOOKED,
                )
            ):
                continue  # another family's waiting cell got the place this action freed
            assert key[0] == enfant_pk, f"a parent action changed another child's cell {key}: {was} → {now}"
            assert self.parent_may_touch(*key), f"a parent action changed {key} ({was} → {now}) on a day it may not"

    # ------------------------------------------------------------------ rules: parents

    def _keys_for(self, child: int) -> list:
        enfant = self.W.enfants[child]
        return [(enfant.pk, s.pk, d) for d in DAYS for s in self.W.services]

    def _valid(self, action: Action, key) -> bool:
        return self.parent_verdict(action, key, "medical") is not None

    @rule(child=st.integers(0, 2), targeted=st.integers(0, 4), data=st.data())
    def parent_books(self, child, targeted, data):
        self.parent_submits(child, Action.BOOK, targeted, data, "")

    @rule(
        child=st.integers(0, 2),
        targeted=st.integers(0, 4),
        data=st.data(),
        reason=st.sampled_from(["", *AbsenceReason.values, "medical"]),
    )
    def parent_declares_an_absence(self, child, targeted, data, reason):
        self.parent_submits(child, Action.ABSENCE, targeted, data, reason)

    @rule(child=st.integers(0, 2), targeted=st.integers(0, 4), data=st.data())
    def parent_cancels_cells(self, child, targeted, data):
        self.parent_submits(child, Action.CANCEL, targeted, data, "")

    def parent_submits(self, child, action, targeted, data, reason):
        """`targeted` > 0 (most runs): mostly cells where the action is allowed, to go deep."""
        keys = self._keys_for(child)
        if targeted:
            keys = [k for k in keys if self._valid(action, k)] or keys
        picks = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=6, unique=True), label="cells")
        enfant = self.W.enfants[child]

        def call():
            return services.demande_submit(
                actor=self.W.parents[child],
                enfant=enfant,
                action=action,
                cells=[(s, d) for _, s, d in picks],
                now=self.now,
                reason=reason,
                comment="",
            )

        ordered = sorted(picks, key=lambda k: (k[2], k[1]))
        verdicts = [(k, self.parent_verdict(action, k, reason)) for k in ordered]
        allowed = [(k, to) for k, to in verdicts if to is not None]
        if (action == Action.ABSENCE and not reason) or not allowed:
            self.expect_refusal(call)
            return

        before = db_cells()
        result = call()
        demande_pk = result.demande.pk
        assert demande_pk not in self.demandes
        assert sorted((o.service.pk, o.day) for o in result.applied) == sorted((k[1], k[2]) for k, _ in allowed)
        assert len(result.rejected) == len(verdicts) - len(allowed)

        originals, freed, outcomes = set(), set(), []
        for key, to_state in allowed:
            service = self.service(key[1])
            full = service.capacity is not None and self.occupied(key[1], key[2]) >= service.capacity
            if action == Action.BOOK and to_state == CellState.BOOKED and full:
                to_state = CellState.WAITING
            from_state = self.state(key)
            if action == Action.CANCEL and self.cells[key].demande:
                originals.add(self.cells[key].demande)
            self.write(key, to_state, demande=demande_pk)
            event(f"parent {action} -> {to_state}")
            outcomes.append(to_state)
            if from_state in OCCUPYING_STATES and to_state not in OCCUPYING_STATES:
                freed.add((key[1], key[2]))
        status = Demande.Status.PENDING if AWAITING_AGENT & set(outcomes) else Demande.Status.ACCEPTED
        self.demandes[demande_pk] = MDemande(KIND[action], status, child, {k for k, _ in allowed})
        for pk in originals:
            if self.demandes[pk].status == Demande.Status.PENDING and not self.linked(pk, AWAITING_AGENT):
                self.demandes[pk].status = Demande.Status.CANCELLED
        for service_pk, day in sorted(freed, key=lambda sd: (sd[1], sd[0])):
            self.promote(service_pk, day)
        self.check_parent_touched_only_allowed_days(before, enfant.pk, freed)

    @precondition(lambda self: self.demandes)
    @rule(data=st.data())
    def parent_cancels_from_the_list(self, data):
        pending = sorted(pk for pk, d in self.demandes.items() if d.status == Demande.Status.PENDING)
        pool = pending if pending and data.draw(st.booleans(), label="pick pending") else sorted(self.demandes)
        demande_pk = data.draw(st.sampled_from(pool), label="demande")
        md = self.demandes[demande_pk]

        def call():
            return services.demande_cancel(
                actor=self.W.parents[md.child], demande=Demande.objects.get(pk=demande_pk), now=self.now
            )

        if md.status == Demande.Status.CANCELLED:
            before = db_snapshot()
            call()
            assert db_snapshot() == before
            return
        past = any(key[2] < self.today for key in self.linked(demande_pk, PENDING_STATES))
        if md.status != Demande.Status.PENDING or past:
            self.expect_refusal(call)
            return
        before = db_cells()
        call()
        for key in self.linked(demande_pk, PENDING_STATES):
            self.write(key, CANCELLABLE[self.cells[key].state], demande=demande_pk)
        md.status = Demande.Status.CANCELLED
        self.check_parent_touched_only_allowed_days(before, self.W.enfants[md.child].pk, set())

    # ------------------------------------------------------------------ rules: agents

    @precondition(lambda self: any(d.status == Demande.Status.PENDING for d in self.demandes.values()))
    @rule(data=st.data(), accept=st.booleans(), force=st.booleans())
    def agent_decides_a_pending_demande(self, data, accept, force):
        self.agent_decides(data=data, accept=accept, force=force, comment="vu avec la famille")

    @precondition(lambda self: self.demandes)
    @rule(
        data=st.data(),
        accept=st.booleans(),
        force=st.booleans(),
        comment=st.sampled_from(["", "  ", "certificat reçu", "complet"]),
    )
    def agent_decides(self, data, accept, force, comment):
        pending = sorted(pk for pk, d in self.demandes.items() if d.status == Demande.Status.PENDING)
        pool = pending if pending and data.draw(st.booleans(), label="pick pending") else sorted(self.demandes)
        ids = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True), label="demandes")

        def call():
            return services.demandes_decide(
                actor=self.W.agent, demande_ids=ids, accept=accept, now=self.now, comment=comment, force_capacity=force
            )

        if not accept and not comment.strip():
            event("decide: no reason")
            self.expect_refusal(call)
            return
        deciding = [pk for pk in ids if self.demandes[pk].status == Demande.Status.PENDING]
        moves = []
        for pk in deciding:
            table = DECISIONS[(self.demandes[pk].kind, accept)]
            moves += [(key, table[self.cells[key].state]) for key in self.linked(pk, table)]
        taking = Counter(
            (key[1], key[2])
            for key, to_state in moves
            if to_state in OCCUPYING_STATES
            and self.state(key) not in OCCUPYING_STATES
            and self.service(key[1]).capacity is not None
        )
        if not force and any(self.occupied(s, d) + n > self.service(s).capacity for (s, d), n in taking.items()):
            event("agent: over capacity, needs a confirmation")
            self.expect_refusal(call)
            return
        result = call()
        event(f"agent {'accepts' if accept else 'refuses'}: {len(moves)} cell(s), force={force}")
        assert sorted(d.pk for d in result.decided) == sorted(deciding)
        assert result.already_decided == len(ids) - len(deciding)
        freed = set()
        for key, to_state in moves:
            if self.state(key) in OCCUPYING_STATES and to_state not in OCCUPYING_STATES:
                freed.add((key[1], key[2]))
            self.write(key, to_state)
        for pk in deciding:
            self.demandes[pk].status = Demande.Status.ACCEPTED if accept else Demande.Status.REFUSED
        for service_pk, day in freed:
            self.promote(service_pk, day)
        self.note_overbooking()

    @rule(
        child=st.integers(0, 2),
        service_index=st.integers(0, 1),
        day=st.sampled_from(DAYS),
        to_state=st.sampled_from(AGENT_TARGETS),
        reason=st.sampled_from(["erreur de saisie", "", "appel de la famille"]),
    )
    def agent_sets_state(self, child, service_index, day, to_state, reason):
        enfant, service = self.W.enfants[child], self.W.services[service_index]
        key = (enfant.pk, service.pk, day)

        def call():
            return services.cell_set_state(
                actor=self.W.agent,
                enfant=enfant,
                service=service,
                day=day,
                to_state=to_state,
                reason=reason,
                now=self.now,
            )

        if not reason.strip():
            self.expect_refusal(call)
            return
        if to_state != FREE and service.pk not in self.W.enrolled[enfant.pk]:
            self.expect_refusal(call)  # a state on a day the child is not enrolled
            return
        call()
        from_state = self.state(key)
        if from_state == to_state:
            return
        if key in self.cells and self.cells[key].demande:
            self.agent_touched.add(self.cells[key].demande)
        self.write(key, to_state)
        self.agent_set.add(key)
        if from_state in OCCUPYING_STATES and to_state not in OCCUPYING_STATES:
            self.promote(service.pk, day)
        self.note_overbooking()

    @precondition(lambda self: len(self.closed_days) < 3)
    @rule(day=st.sampled_from(DAYS))
    def agent_closes_a_day(self, day):
        if day in self.closed_days or day < self.today:
            return
        closure = f.ClosureFactory(commune=self.W.commune, start_date=day, end_date=day, label="Grève")
        services.closure_apply(actor=self.W.agent, closure=closure, now=self.now)
        self.closed_days.add(day)
        touched = [k for k, c in self.cells.items() if k[2] == day and c.state in CLOSABLE]
        demandes = {
            self.cells[k].demande
            for k in touched
            if self.cells[k].state in (CellState.PENDING, CellState.WAITING) and self.cells[k].demande
        }
        for key in touched:
            self.write(key, CellState.CLOSED)
        for pk in demandes:
            if self.demandes[pk].status == Demande.Status.PENDING and not self.linked(pk, AWAITING_AGENT):
                self.demandes[pk].status = Demande.Status.REFUSED

    # ------------------------------------------------------------------ rules: the clock

    @precondition(lambda self: self.now < END)
    @rule(
        step=st.sampled_from(
            [dt.timedelta(seconds=59), dt.timedelta(hours=1), dt.timedelta(hours=7), dt.timedelta(hours=20)]
        )
    )
    def time_passes(self, step):
        self.now = (self.now + step).astimezone(deadlines.PARIS)

    @precondition(lambda self: self.now < END)
    @rule(
        service_index=st.integers(0, 1),
        day=st.sampled_from(DAYS),
        which=st.sampled_from(["booking", "cancel"]),
        offset=st.sampled_from([dt.timedelta(0), dt.timedelta(seconds=59), dt.timedelta(minutes=1)]),
    )
    def clock_reaches_a_cutoff(self, service_index, day, which, offset):
        if not self.today <= day <= self.today + dt.timedelta(days=4):
            return  # only the next cut-offs: a far jump would leave nothing to do
        service = self.W.services[service_index]
        cutoff = deadlines.cutoff_for(
            self.rule_of(service, which),
            day,
            service_start=service.start_time,
            holidays=public_holidays_around(day, day),
        )
        target = cutoff + offset
        if target > self.now:  # the clock never goes back
            self.now = target.astimezone(deadlines.PARIS)

    # ------------------------------------------------------------------ invariants

    @invariant()
    def database_matches_the_model(self):
        cells = db_cells()
        model = {k: (c.state, c.demande, utc(c.since)) for k, c in self.cells.items()}
        assert {k: (s, d, utc(t)) for k, (s, d, t) in cells.items()} == model
        assert dict(Demande.objects.values_list("pk", "status")) == {pk: d.status for pk, d in self.demandes.items()}

    @invariant()
    def one_audit_line_per_transition(self):
        changes = Counter(CellChange.objects.values_list("enfant_id", "service_id", "date", "from_state", "to_state"))
        assert changes == self.transitions

    @invariant()
    def capacity_holds_and_waiting_means_full(self):
        rows = Cell.objects.filter(service__booking_mode=Service.BookingMode.AUTOMATIC).values_list(
            "service_id", "date", "state"
        )
        occupied, waiting = Counter(), Counter()
        for service_pk, day, state in rows:
            if state in OCCUPYING_STATES:
                occupied[(service_pk, day)] += 1
            elif state == CellState.WAITING:
                waiting[(service_pk, day)] += 1
        for key, n in occupied.items():
            assert n <= self.service(key[0]).capacity or key in self.overbooked, f"over capacity on {key}"
        for key in waiting:
            assert occupied[key] >= self.service(key[0]).capacity, f"waiting list on {key} while a place is free"

    @invariant()
    def a_pending_demande_has_something_to_decide(self):
        pending = set(Demande.objects.filter(status=Demande.Status.PENDING).values_list("pk", flat=True))
        awaiting = set(
            Cell.objects.filter(demande_id__in=pending, state__in=AWAITING_AGENT).values_list("demande_id", flat=True)
        )
        # Known and left as is: "set state" on a pending cell leaves its demande pending (an
        # agent's later accept / refuse then only sets the status).
        stale = pending - awaiting - self.agent_touched
        assert not stale, f"pending demandes with nothing left for an agent to decide: {sorted(stale)}"


@pytest.mark.django_db
def test_planning_state_machine():
    PlanningMachine.W = build_world()
    run_state_machine_as_test(
        PlanningMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            phases=[Phase.generate] if os.environ.get("MARELLE_SM_NOSHRINK") else list(Phase),
        ),
    )
    if os.environ.get("MARELLE_SM_STATS"):
        print(*sorted(STATS.items()), sep="\n")
