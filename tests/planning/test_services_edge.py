"""Regression tests for what the planning's state machine test (test_state_machine.py) found.

A "mixed" demande is one parent action over two services at once (the grid's week or range
selection): the cantine (sur validation) part waits for an agent, the garderie (automatique)
part is booked or put on the waiting list by the system.
"""

import datetime as dt

import pytest

from marelle.planning import services
from marelle.planning.models import FREE, Cell, CellChange, CellState, Demande
from marelle.planning.rules import Action
from tests import factories as f
from tests.planning.conftest import paris

NOW = paris(2026, 12, 4, 10, 0)  # Friday
MONDAY = dt.date(2026, 12, 7)


def state(enfant, service, day):
    cell = Cell.objects.filter(enfant=enfant, service=service, date=day).first()
    return cell.state if cell else FREE


def book(world, *cells, enfant=None, now=NOW):
    return services.demande_submit(
        actor=world.alice.user,
        enfant=enfant or world.enfant,
        action=Action.BOOK,
        cells=[(service.pk, day) for service, day in cells],
        now=now,
    )


def other_child(world, garderie):
    child = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement)
    f.InscriptionFactory(enfant=child, service=garderie, school_year=world.school_year, responsable=world.alice)
    return child


@pytest.fixture
def mixed(world, cantine, garderie):
    """Garderie full on Monday; alice's child asks for the garderie and the cantine that day."""
    for _ in range(2):
        f.CellFactory(enfant=other_child(world, garderie), service=garderie, date=MONDAY, state=CellState.BOOKED)
    demande = book(world, (garderie, MONDAY), (cantine, MONDAY)).demande
    assert state(world.enfant, garderie, MONDAY) == CellState.WAITING
    assert state(world.enfant, cantine, MONDAY) == CellState.PENDING
    assert demande.status == Demande.Status.PENDING
    return demande


# --------------------------------------------------------------------------- "Annuler la demande" from the list


def test_cancel_from_the_list_refuses_a_demande_about_a_past_day(world, cantine):
    demande = book(world, (cantine, MONDAY)).demande
    with pytest.raises(services.PlanningError) as exc:
        services.demande_cancel(actor=world.alice.user, demande=demande, now=paris(2026, 12, 8, 9, 0))
    assert exc.value.code == "past"
    assert state(world.enfant, cantine, MONDAY) == CellState.PENDING
    demande.refresh_from_db()
    assert demande.status == Demande.Status.PENDING
    assert CellChange.objects.count() == 1  # the booking's own line only


def test_a_late_absence_can_be_withdrawn_from_the_list_until_the_day_ends(world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=MONDAY, state=CellState.BOOKED)
    absence = services.demande_submit(
        actor=world.alice.user,
        enfant=world.enfant,
        action=Action.ABSENCE,
        cells=[(cantine.pk, MONDAY)],
        now=paris(2026, 12, 7, 7, 0),
        reason="medical",
    ).demande
    with pytest.raises(services.PlanningError):
        services.demande_cancel(actor=world.alice.user, demande=absence, now=paris(2026, 12, 8, 0, 0))
    assert state(world.enfant, cantine, MONDAY) == CellState.ABSENCE_PENDING
    services.demande_cancel(actor=world.alice.user, demande=absence, now=paris(2026, 12, 7, 23, 59))
    assert state(world.enfant, cantine, MONDAY) == CellState.BOOKED


# --------------------------------------------------------------------------- an agent's decision on a mixed demande


def test_refusing_a_mixed_demande_keeps_its_place_on_the_waiting_list(world, cantine, garderie, mixed):
    services.demande_decide(actor=world.agent.user, demande=mixed, accept=False, comment="complet", now=NOW)
    assert state(world.enfant, cantine, MONDAY) == CellState.REFUSED
    assert state(world.enfant, garderie, MONDAY) == CellState.WAITING


def test_accepting_a_mixed_demande_is_not_blocked_by_a_full_automatic_service(world, cantine, garderie, mixed):
    services.demande_decide(actor=world.agent.user, demande=mixed, accept=True, now=NOW)
    assert state(world.enfant, cantine, MONDAY) == CellState.BOOKED
    assert state(world.enfant, garderie, MONDAY) == CellState.WAITING


def test_forcing_a_mixed_demande_does_not_jump_the_waiting_list(world, cantine, garderie):
    for _ in range(2):
        f.CellFactory(enfant=other_child(world, garderie), service=garderie, date=MONDAY, state=CellState.BOOKED)
    earlier = f.CellFactory(
        enfant=other_child(world, garderie),
        service=garderie,
        date=MONDAY,
        state=CellState.WAITING,
        state_since=paris(2026, 12, 1, 8, 0),
    )
    demande = book(world, (garderie, MONDAY), (cantine, MONDAY)).demande
    services.demande_decide(actor=world.agent.user, demande=demande, accept=True, now=NOW, force_capacity=True)
    assert state(world.enfant, garderie, MONDAY) == CellState.WAITING
    assert Cell.objects.filter(service=garderie, date=MONDAY, state=CellState.BOOKED).count() == 2
    earlier.refresh_from_db()
    assert earlier.state == CellState.WAITING


# --------------------------------------------------------------------------- a demande left with nothing to decide


def test_cancelling_the_pending_part_of_a_mixed_demande_closes_it(world, cantine, garderie, mixed):
    services.demande_submit(
        actor=world.alice.user, enfant=world.enfant, action=Action.CANCEL, cells=[(cantine.pk, MONDAY)], now=NOW
    )
    mixed.refresh_from_db()
    assert mixed.status == Demande.Status.CANCELLED
    # the garderie part is the system's business: still on the waiting list, cancellable on the grid
    assert state(world.enfant, garderie, MONDAY) == CellState.WAITING


def test_the_order_of_cancellation_and_promotion_does_not_change_the_demande_status(world, cantine, garderie, mixed):
    first = Cell.objects.filter(service=garderie, date=MONDAY, state=CellState.BOOKED).first()
    services.cell_set_state(
        actor=world.agent.user,
        enfant=first.enfant,
        service=garderie,
        day=MONDAY,
        to_state=FREE,
        reason="départ",
        now=NOW,
    )
    assert state(world.enfant, garderie, MONDAY) == CellState.BOOKED  # promoted
    services.demande_submit(
        actor=world.alice.user, enfant=world.enfant, action=Action.CANCEL, cells=[(cantine.pk, MONDAY)], now=NOW
    )
    mixed.refresh_from_db()
    assert mixed.status == Demande.Status.CANCELLED


def test_a_closure_of_the_pending_part_refuses_a_mixed_demande(world, cantine, garderie, mixed):
    closure = f.ClosureFactory(commune=world.commune, start_date=MONDAY, end_date=MONDAY, label="Grève")
    closure.services.set([cantine])
    services.closure_apply(actor=world.agent.user, closure=closure, now=NOW)
    assert state(world.enfant, cantine, MONDAY) == CellState.CLOSED
    assert state(world.enfant, garderie, MONDAY) == CellState.WAITING
    mixed.refresh_from_db()
    assert mixed.status == Demande.Status.REFUSED
