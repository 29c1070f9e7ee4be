"""Closures and the planning (planning/services/closures.py): a new closure closes the booked
days and tells the families; deleting one may restore what it closed; a calendar import
closes its days like any closure. Each audited on the commune with a dotted code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone

from marelle.audit.models import LogEntry
from marelle.planning.models import Cell, CellChange, CellState, Demande
from marelle.planning.services import calendar_import, closed_cells, closure_create, closure_delete
from marelle.territory.models import Closure, Commune
from tests import factories as f
from tests.backoffice.conftest import DAY, make_pending_demande

TUESDAY = DAY + dt.timedelta(days=1)
THURSDAY = DAY + dt.timedelta(days=3)


def _ours():
    return Cell.objects.filter(enfant__famille__commune__slug="chatte")


def _commune_log(action: str) -> LogEntry:
    return LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Commune), action=action)


@pytest.fixture
def closed(world, cantine, django_capture_on_commit_callbacks):
    """Monday booked, Tuesday pending, Thursday waiting; then a closure Monday–Thursday."""
    f.CellFactory(enfant=world.enfant, service=cantine, date=DAY, state=CellState.BOOKED, from_contrat=True)
    demande = make_pending_demande(world.enfant, cantine, TUESDAY)
    sibling = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement, prenom="Léa")
    f.InscriptionFactory(enfant=sibling, service=cantine, school_year=world.school_year, responsable=world.alice)
    f.CellFactory(enfant=sibling, service=cantine, date=THURSDAY, state=CellState.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        closure, n = closure_create(
            actor=world.agent.user,
            commune=world.commune,
            label="Grève",
            start_date=DAY,
            end_date=THURSDAY,
            day_type=f.DayTypeFactory(commune=world.commune, code="G"),
            now=timezone.now(),
        )
    assert n == 3
    assert set(_ours().values_list("state", flat=True)) == {CellState.CLOSED}
    demande.refresh_from_db()
    assert demande.status == Demande.Status.REFUSED
    assert len(mail.outbox) == 1  # one message per family, naming both children
    mail.outbox.clear()
    return closure, sibling


def _delete(closure, world, restore: bool, capture):
    with capture(execute=True):
        return closure_delete(actor=world.agent.user, closure=closure, restore=restore, now=timezone.now())


def test_a_new_closure_is_audited_on_the_commune(world, closed):
    closure, _ = closed
    entry = _commune_log("closure.created")
    assert entry.actor == world.agent.user
    assert entry.data == {
        "closure": closure.pk,
        "label": "Grève",
        "start_date": DAY.isoformat(),
        "end_date": THURSDAY.isoformat(),
        "cells_closed": 3,
    }
    assert closed_cells(closure).count() == 3


def test_without_restoring_the_days_stay_closed(world, closed, django_capture_on_commit_callbacks):
    closure, _ = closed
    changes = CellChange.objects.count()
    result = _delete(closure, world, False, django_capture_on_commit_callbacks)
    assert (result.restored, result.freed, result.kept) == (0, 0, 3)
    assert not Closure.objects.filter(pk=closure.pk).exists()
    assert set(_ours().values_list("state", flat=True)) == {CellState.CLOSED}
    assert CellChange.objects.count() == changes
    assert mail.outbox == []
    entry = _commune_log("closure.deleted")
    assert entry.actor == world.agent.user
    assert entry.data["kept"] == 3 and entry.data["restore"] is False
    assert entry.data["label"] == "Grève" and entry.data["closure"]["label"] == "Grève"


def test_restoring_gives_back_bookings_and_frees_refused_demandes(world, closed, django_capture_on_commit_callbacks):
    closure, sibling = closed
    _delete(closure, world, True, django_capture_on_commit_callbacks)
    monday = Cell.objects.get(enfant=world.enfant, date=DAY)
    assert monday.state == CellState.BOOKED
    assert monday.from_contrat  # still a contract booking
    assert not Cell.objects.filter(enfant=world.enfant, date=TUESDAY).exists()  # was pending: Libre
    assert not Cell.objects.filter(enfant=sibling, date=THURSDAY).exists()  # was waiting: Libre
    # One audit line per cell written, by the agent, with the reason.
    restored = CellChange.objects.filter(reason="Fermeture supprimée : Grève")
    assert sorted((c.date, c.from_state, c.to_state) for c in restored) == [
        (DAY, CellState.CLOSED, CellState.BOOKED),
        (TUESDAY, CellState.CLOSED, "free"),
        (THURSDAY, CellState.CLOSED, "free"),
    ]
    assert {c.actor for c in restored} == {world.agent.user}
    assert len(mail.outbox) == 1 and "rétablies" in mail.outbox[0].body and "COMMUNE" in mail.outbox[0].body
    entry = _commune_log("closure.deleted")
    assert (entry.data["restored"], entry.data["freed"], entry.data["kept"]) == (1, 2, 0)


def test_a_day_another_closure_covers_stays_closed(world, closed, django_capture_on_commit_callbacks):
    closure, _ = closed
    f.ClosureFactory(commune=world.commune, start_date=DAY, end_date=DAY, label="Pont")
    _delete(closure, world, True, django_capture_on_commit_callbacks)
    assert Cell.objects.get(enfant=world.enfant, date=DAY).state == CellState.CLOSED
    assert not Cell.objects.filter(enfant=world.enfant, date=TUESDAY).exists()


def test_another_service_or_school_is_not_touched(world, cantine, closed, django_capture_on_commit_callbacks):
    closure, _ = closed
    garderie = f.ServiceFactory(etablissement=world.etablissement, name="GARDERIE", weekdays="0134")
    other = f.CellFactory(enfant=world.enfant, service=garderie, date=DAY, state=CellState.CLOSED)
    closure.services.set([cantine])
    _delete(closure, world, True, django_capture_on_commit_callbacks)
    other.refresh_from_db()
    assert other.state == CellState.CLOSED


def test_a_day_closed_without_history_is_left_closed(world, cantine, django_capture_on_commit_callbacks):
    f.CellFactory(enfant=world.enfant, service=cantine, date=DAY, state=CellState.CLOSED)
    closure = f.ClosureFactory(commune=world.commune, start_date=DAY, end_date=DAY)
    result = _delete(closure, world, True, django_capture_on_commit_callbacks)
    assert result.kept == 1
    assert Cell.objects.get(enfant=world.enfant, date=DAY).state == CellState.CLOSED
    assert not CellChange.objects.exists()


def test_deleting_twice_is_harmless(world):
    closure = f.ClosureFactory(commune=world.commune)
    stale = Closure.objects.get(pk=closure.pk)
    assert closure_delete(actor=world.agent.user, closure=closure, restore=True, now=timezone.now()) is not None
    assert closure_delete(actor=world.agent.user, closure=stale, restore=True, now=timezone.now()) is None
    assert LogEntry.objects.filter(action="closure.deleted").count() == 1


def test_a_calendar_import_closes_the_booked_holidays_in_one_audited_step(world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=dt.date(2026, 12, 25), state=CellState.BOOKED)
    created, updated, closed = calendar_import(
        actor=world.agent.user, commune=world.commune, school_year=world.school_year, public=True, now=timezone.now()
    )
    assert (created, updated, closed) == (9, 0, 1)
    assert Cell.objects.get(date=dt.date(2026, 12, 25)).state == CellState.CLOSED
    entry = _commune_log("calendar.public_holidays_imported")
    assert entry.data == {
        "year": world.school_year.label,
        "school_year": world.school_year.pk,
        "created": 9,
        "updated": 0,
        "cells_closed": 1,
    }
    assert calendar_import(
        actor=world.agent.user, commune=world.commune, school_year=world.school_year, public=True, now=timezone.now()
    ) == (0, 0, 0)
