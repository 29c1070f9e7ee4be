import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from marelle.planning.models import Service
from tests import factories as f

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def cantine(world):
    """RESTAURATION, sur validation, Mon/Tue/Thu/Fri; alice's child enrolled."""
    service = f.ServiceFactory(etablissement=world.etablissement, name="RESTAURATION", weekdays="0134")
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    return service


@pytest.fixture
def garderie(world):
    """GARDERIE MATIN, automatique, capacity 2, every school day."""
    service = f.ServiceFactory(
        etablissement=world.etablissement,
        name="GARDERIE MATIN",
        weekdays="01234",
        start_time=dt.time(7, 30),
        end_time=dt.time(8, 30),
        booking_mode=Service.BookingMode.AUTOMATIC,
        capacity=2,
    )
    f.InscriptionFactory(enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice)
    return service
