from collections import Counter

import pytest

from marelle.demo.data import load_demo
from marelle.demo.planning import load_demo_planning
from marelle.planning.models import Cell, CellState, ContratRegulier, Demande, Service
from tests.portal_planning.conftest import NOW


@pytest.mark.django_db
def test_demo_planning_shows_the_states_and_both_modes_and_is_idempotent():
    load_demo(now=NOW)
    # From today on: the month before is the demo's invoiced, attended month (demo/billing.py).
    cells = Cell.objects.filter(
        enfant__famille__numero="381623867924", enfant__prenom="COMMUNE", date__gte=NOW.date().replace(day=1)
    )
    past = Cell.objects.filter(enfant__famille__numero="381623867924", date__lt=NOW.date().replace(day=1))
    assert set(past.values_list("state", flat=True)) == {CellState.PRESENT}
    states = Counter(cells.values_list("state", flat=True))
    assert states[CellState.BOOKED] > 10  # the restaurant's regular days, and the garderie
    assert states[CellState.PENDING] == 1
    assert states[CellState.ABSENCE_EXCUSED] == 1
    assert ContratRegulier.objects.filter(inscription__service__name="RESTAURATION").count() == 1
    assert cells.filter(from_contrat=True, service__name="RESTAURATION").exists()
    modes = set(cells.values_list("service__booking_mode", flat=True))
    assert modes == {Service.BookingMode.AUTOMATIC, Service.BookingMode.VALIDATION}
    pending = Demande.objects.get(status=Demande.Status.PENDING)
    assert pending.lines.get().service.name == "RESTAURATION"
    assert all(c.date > NOW.date() for c in cells)

    before = (cells.count(), Demande.objects.count())
    load_demo_planning(NOW)
    assert (cells.count(), Demande.objects.count()) == before
