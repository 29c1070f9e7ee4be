"""Every transition of docs/domain.md#transitions a parent or an agent causes, through the planning services."""

import datetime as dt

import pytest
from django.core import mail

from marelle.planning import services
from marelle.planning.models import FREE, Cell, CellChange, CellState, ContratRegulier, Demande
from marelle.planning.rules import Action
from tests import factories as f
from tests.planning.conftest import paris

# Friday 4 December 2026; the guide's rule: Monday 7 → Saturday 5 at 23:59.
NOW = paris(2026, 12, 4, 10, 0)
MONDAY = dt.date(2026, 12, 7)
TUESDAY = dt.date(2026, 12, 8)


def state(enfant, service, day):
    cell = Cell.objects.filter(enfant=enfant, service=service, date=day).first()
    return cell.state if cell else FREE


def submit(world, action, service, *days, now=NOW, **kw):
    return services.demande_submit(
        actor=world.alice.user,
        enfant=world.enfant,
        action=action,
        cells=[(service.pk, d) for d in days],
        now=now,
        **kw,
    )


def test_booking_on_validation_service_waits_for_an_agent(world, cantine):
    result = submit(world, Action.BOOK, cantine, MONDAY)
    assert state(world.enfant, cantine, MONDAY) == CellState.PENDING
    assert result.demande.status == Demande.Status.PENDING
    assert result.demande.kind == Demande.Kind.RESERVATION
    assert list(result.demande.lines.values_list("from_state", "to_state")) == [(FREE, CellState.PENDING)]
    change = CellChange.objects.get()
    assert (change.from_state, change.to_state, change.actor) == (FREE, CellState.PENDING, world.alice.user)


def test_booking_at_2359_on_cutoff_day_is_in_time_and_at_midnight_is_late(world, cantine):
    submit(world, Action.BOOK, cantine, MONDAY, now=paris(2026, 12, 5, 23, 59, 59))
    assert state(world.enfant, cantine, MONDAY) == CellState.PENDING
    with pytest.raises(services.PlanningError, match="délai de réservation est dépassé"):
        submit(world, Action.BOOK, cantine, TUESDAY, now=paris(2026, 12, 7, 0, 0))
    assert state(world.enfant, cantine, TUESDAY) == FREE
    assert Demande.objects.count() == 1


def test_automatic_booking_is_booked_until_full_then_waiting_list(world, garderie):
    others = [f.EnfantFactory(famille=world.famille, etablissement=world.etablissement) for _ in range(2)]
    for other in others:
        f.CellFactory(enfant=other, service=garderie, date=MONDAY, state=CellState.BOOKED)
    result = submit(world, Action.BOOK, garderie, MONDAY, TUESDAY)
    assert state(world.enfant, garderie, MONDAY) == CellState.WAITING
    assert state(world.enfant, garderie, TUESDAY) == CellState.BOOKED
    assert result.demande.status == Demande.Status.ACCEPTED


def test_a_freed_place_goes_to_the_waiting_list_in_order(world, garderie):
    first = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement)
    f.CellFactory(enfant=first, service=garderie, date=MONDAY, state=CellState.BOOKED)
    f.CellFactory(enfant=f.EnfantFactory(famille=world.famille), service=garderie, date=MONDAY, state=CellState.BOOKED)
    waiting_early = f.CellFactory(
        enfant=f.EnfantFactory(famille=world.famille),
        service=garderie,
        date=MONDAY,
        state=CellState.WAITING,
        state_since=paris(2026, 12, 1, 8, 0),
    )
    waiting_late = f.CellFactory(
        enfant=f.EnfantFactory(famille=world.famille),
        service=garderie,
        date=MONDAY,
        state=CellState.WAITING,
        state_since=paris(2026, 12, 2, 8, 0),
    )
    services.cell_set_state(
        actor=world.agent.user, enfant=first, service=garderie, day=MONDAY, to_state=FREE, reason="départ", now=NOW
    )
    waiting_early.refresh_from_db()
    waiting_late.refresh_from_db()
    assert waiting_early.state == CellState.BOOKED
    assert waiting_late.state == CellState.WAITING


def test_absence_in_time_is_excused_at_once(world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=MONDAY, state=CellState.BOOKED)
    result = submit(world, Action.ABSENCE, cantine, MONDAY, reason="medical", comment="otite")
    assert state(world.enfant, cantine, MONDAY) == CellState.ABSENCE_EXCUSED
    assert result.demande.status == Demande.Status.ACCEPTED
    assert result.demande.reason == "medical"


def test_absence_after_deadline_waits_for_an_agent(world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=MONDAY, state=CellState.BOOKED)
    result = submit(world, Action.ABSENCE, cantine, MONDAY, reason="medical", now=paris(2026, 12, 7, 7, 0))
    assert state(world.enfant, cantine, MONDAY) == CellState.ABSENCE_PENDING
    assert result.demande.status == Demande.Status.PENDING
    # the agent refuses: billed absence
    services.demande_decide(
        actor=world.agent.user, demande=result.demande, accept=False, comment="non justifié", now=NOW
    )
    assert state(world.enfant, cantine, MONDAY) == CellState.ABSENCE_BILLED


def test_absence_needs_a_reason(world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=MONDAY, state=CellState.BOOKED)
    with pytest.raises(services.PlanningError, match="motif"):
        submit(world, Action.ABSENCE, cantine, MONDAY, reason="")
    assert state(world.enfant, cantine, MONDAY) == CellState.BOOKED


def test_absence_on_a_past_day_is_refused(world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=dt.date(2026, 12, 3), state=CellState.BOOKED)
    with pytest.raises(services.PlanningError, match="passé"):
        submit(world, Action.ABSENCE, cantine, dt.date(2026, 12, 3), reason="medical")


def test_cancel_a_pending_booking_frees_the_cell_and_cancels_the_demande(world, cantine):
    booking = submit(world, Action.BOOK, cantine, MONDAY).demande
    result = submit(world, Action.CANCEL, cantine, MONDAY)
    assert state(world.enfant, cantine, MONDAY) == FREE
    assert result.demande.kind == Demande.Kind.ANNULATION
    booking.refresh_from_db()
    assert booking.status == Demande.Status.CANCELLED


def test_cancel_a_pending_absence_restores_the_booking(world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=MONDAY, state=CellState.BOOKED)
    absence = submit(world, Action.ABSENCE, cantine, MONDAY, reason="trip", now=paris(2026, 12, 6, 9, 0)).demande
    services.demande_cancel(actor=world.alice.user, demande=absence, now=paris(2026, 12, 6, 9, 5))
    assert state(world.enfant, cantine, MONDAY) == CellState.BOOKED
    absence.refresh_from_db()
    assert absence.status == Demande.Status.CANCELLED


def test_a_decided_demande_cannot_be_cancelled(world, cantine):
    demande = submit(world, Action.BOOK, cantine, MONDAY).demande
    services.demande_decide(actor=world.agent.user, demande=demande, accept=True, now=NOW)
    with pytest.raises(services.PlanningError, match="déjà été traitée"):
        services.demande_cancel(actor=world.alice.user, demande=demande, now=NOW)
    assert state(world.enfant, cantine, MONDAY) == CellState.BOOKED


def test_accept_twice_changes_nothing_the_second_time(world, cantine):
    demande = submit(world, Action.BOOK, cantine, MONDAY).demande
    assert services.demande_decide(actor=world.agent.user, demande=demande, accept=True, now=NOW) is True
    assert services.demande_decide(actor=world.agent.user, demande=demande, accept=False, comment="x", now=NOW) is False
    assert state(world.enfant, cantine, MONDAY) == CellState.BOOKED
    assert CellChange.objects.filter(to_state=CellState.BOOKED).count() == 1


def test_decision_emails_the_family_after_commit(world, cantine, django_capture_on_commit_callbacks):
    demande = submit(world, Action.BOOK, cantine, MONDAY).demande
    with django_capture_on_commit_callbacks(execute=True):
        services.demande_decide(actor=world.agent.user, demande=demande, accept=True, now=NOW)
    assert len(mail.outbox) == 1
    assert "acceptée" in mail.outbox[0].subject
    assert mail.outbox[0].to == [world.alice.email]


def test_accepting_beyond_capacity_needs_a_confirmation(world, cantine):
    cantine.capacity = 1
    cantine.save()
    f.CellFactory(enfant=f.EnfantFactory(famille=world.famille), service=cantine, date=MONDAY, state=CellState.BOOKED)
    demande = submit(world, Action.BOOK, cantine, MONDAY).demande
    with pytest.raises(services.PlanningError) as exc:
        services.demande_decide(actor=world.agent.user, demande=demande, accept=True, now=NOW)
    assert exc.value.code == "capacity"
    assert state(world.enfant, cantine, MONDAY) == CellState.PENDING
    services.demande_decide(actor=world.agent.user, demande=demande, accept=True, now=NOW, force_capacity=True)
    assert state(world.enfant, cantine, MONDAY) == CellState.BOOKED


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(2026, 12, 9), "n'ouvre pas"),  # Wednesday
        (dt.date(2026, 12, 3), "passé"),
        (dt.date(2027, 8, 2), "pas inscrit"),  # after the school year
    ],
)
def test_refusals_save_nothing(world, cantine, day, message):
    with pytest.raises(services.PlanningError, match=message):
        submit(world, Action.BOOK, cantine, day)
    assert Demande.objects.count() == 0
    assert Cell.objects.count() == 0
    assert CellChange.objects.count() == 0


def test_closed_day_is_refused(world, cantine):
    f.ClosureFactory(commune=world.commune, start_date=MONDAY, end_date=MONDAY, label="Grève")
    with pytest.raises(services.PlanningError, match="fermé"):
        submit(world, Action.BOOK, cantine, MONDAY)
    assert Cell.objects.count() == 0


def test_service_of_another_child_is_refused(world, cantine):
    foreign = f.ServiceFactory(etablissement=f.EtablissementFactory(commune=world.other_commune))
    with pytest.raises(services.PlanningError, match="pas inscrit"):
        submit(world, Action.BOOK, foreign, MONDAY)


def test_many_cells_apply_what_is_allowed_and_report_the_rest(world, cantine):
    result = submit(world, Action.BOOK, cantine, MONDAY, TUESDAY, dt.date(2026, 12, 9))
    assert [o.day for o in result.applied] == [MONDAY, TUESDAY]
    assert [v.day for v in result.rejected] == [dt.date(2026, 12, 9)]


def test_same_submission_key_makes_one_demande(world, cantine):
    first = submit(world, Action.BOOK, cantine, MONDAY, submission_key="k1")
    second = submit(world, Action.BOOK, cantine, MONDAY, submission_key="k1")
    assert second.duplicate and second.demande.pk == first.demande.pk
    assert Demande.objects.count() == 1


def test_rebooking_after_refusal_and_after_excused_absence(world, cantine):
    demande = submit(world, Action.BOOK, cantine, MONDAY).demande
    services.demande_decide(actor=world.agent.user, demande=demande, accept=False, comment="complet", now=NOW)
    assert state(world.enfant, cantine, MONDAY) == CellState.REFUSED
    submit(world, Action.BOOK, cantine, MONDAY)
    assert state(world.enfant, cantine, MONDAY) == CellState.PENDING


def test_transitions_outside_the_table_are_refused(world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=MONDAY, state=CellState.PRESENT)
    for action in Action:
        with pytest.raises(services.PlanningError):
            submit(world, action, cantine, MONDAY, reason="medical")
    assert state(world.enfant, cantine, MONDAY) == CellState.PRESENT


def test_contrat_books_its_weekdays_and_skips_closures(world, cantine):
    inscription = cantine.inscriptions.get()
    f.ClosureFactory(commune=world.commune, start_date=dt.date(2026, 12, 21), end_date=dt.date(2027, 1, 3))
    contrat = ContratRegulier.objects.create(
        inscription=inscription, weekdays="03", start_date=dt.date(2026, 12, 14), end_date=dt.date(2027, 1, 8)
    )
    assert services.contrat_apply(actor=world.agent.user, contrat=contrat, now=NOW) == 4
    days = sorted(Cell.objects.values_list("date", flat=True))
    assert days == [dt.date(2026, 12, 14), dt.date(2026, 12, 17), dt.date(2027, 1, 4), dt.date(2027, 1, 7)]


def test_contrat_change_keeps_the_past(world, cantine):
    inscription = cantine.inscriptions.get()
    contrat = ContratRegulier.objects.create(
        inscription=inscription, weekdays="03", start_date=dt.date(2026, 12, 7), end_date=dt.date(2026, 12, 18)
    )
    services.contrat_apply(actor=world.agent.user, contrat=contrat, now=NOW)
    services.contrat_change(
        actor=world.agent.user, contrat=contrat, weekdays="1", from_date=dt.date(2026, 12, 14), now=NOW
    )
    days = sorted(Cell.objects.values_list("date", flat=True))
    assert days == [dt.date(2026, 12, 7), dt.date(2026, 12, 10), dt.date(2026, 12, 15)]


def test_closure_turns_bookings_to_fermeture_and_notifies(world, cantine, django_capture_on_commit_callbacks):
    f.CellFactory(enfant=world.enfant, service=cantine, date=MONDAY, state=CellState.BOOKED)
    pending = submit(world, Action.BOOK, cantine, TUESDAY).demande
    closure = f.ClosureFactory(commune=world.commune, start_date=MONDAY, end_date=TUESDAY, label="Grève")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.closure_apply(actor=world.agent.user, closure=closure, now=NOW) == 2
    assert state(world.enfant, cantine, MONDAY) == CellState.CLOSED
    assert state(world.enfant, cantine, TUESDAY) == CellState.CLOSED
    pending.refresh_from_db()
    assert pending.status == Demande.Status.REFUSED
    assert len(mail.outbox) == 1 and "Grève" in mail.outbox[0].body


def test_contrat_create_books_and_audits_and_refuses_bad_input(world, cantine):
    from marelle.audit.models import LogEntry

    inscription = cantine.inscriptions.get()
    with pytest.raises(services.PlanningError, match="au moins un jour"):
        services.contrat_create(
            actor=world.agent.user, inscription=inscription, weekdays="", start_date=MONDAY, end_date=TUESDAY, now=NOW
        )
    with pytest.raises(services.PlanningError, match="précède"):
        services.contrat_create(
            actor=world.agent.user, inscription=inscription, weekdays="0", start_date=TUESDAY, end_date=MONDAY, now=NOW
        )
    assert not ContratRegulier.objects.exists()
    contrat, booked = services.contrat_create(
        actor=world.agent.user,
        inscription=inscription,
        weekdays="01",
        start_date=MONDAY,
        end_date=dt.date(2026, 12, 15),
        now=NOW,
    )
    assert booked == 4 and contrat.weekdays == "01"
    assert LogEntry.objects.filter(actor=world.agent.user, data__contrat=contrat.pk).exists()
