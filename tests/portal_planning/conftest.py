import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from marelle.planning.models import Service
from tests import factories as f

PARIS = ZoneInfo("Europe/Paris")
# Friday 4 December 2026, 10:00 in Paris: Monday 7 is bookable until Saturday 5 at 23:59.
NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=PARIS)


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cantine(world):
    """RESTAURATION, sur validation, Mon/Tue/Thu/Fri; alice's child enrolled."""
    service = f.ServiceFactory(etablissement=world.etablissement, name="RESTAURATION", weekdays="0134", position=4)
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    return service


@pytest.fixture
def garderie(world):
    """GARDERIE MATIN, automatique, every school day."""
    service = f.ServiceFactory(
        etablissement=world.etablissement,
        name="GARDERIE MATIN",
        weekdays="01234",
        start_time=dt.time(7, 30),
        end_time=dt.time(8, 30),
        booking_mode=Service.BookingMode.AUTOMATIC,
        position=1,
    )
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    return service
