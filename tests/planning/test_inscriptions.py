"""inscription_create: the period within the school year, one enrolment per service and year,
a payer of the family, audited on the child with a dotted code."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from marelle.audit.models import LogEntry
from marelle.planning.models import Inscription
from marelle.planning.services import inscription_create
from tests import factories as f


@pytest.fixture
def garderie_matin(world):
    return f.ServiceFactory(etablissement=world.etablissement, name="GARDERIE MATIN")


def _create(world, service, **kwargs):
    values = {"school_year": world.school_year, "responsable": world.alice} | kwargs
    return inscription_create(actor=world.agent.user, enfant=world.enfant, service=service, **values)


def test_the_period_defaults_to_the_school_year_and_is_audited(world, garderie_matin):
    inscription = _create(world, garderie_matin)
    assert (inscription.start_date, inscription.end_date) == (world.school_year.start_date, world.school_year.end_date)
    entry = LogEntry.objects.get(action="inscription.created")
    assert entry.object_id == str(world.enfant.pk) and entry.actor == world.agent.user
    assert entry.data["inscription"] == inscription.pk
    assert (entry.data["service"], entry.data["year"]) == ("GARDERIE MATIN", world.school_year.label)


@pytest.mark.parametrize(
    "period",
    [
        {"start_date": dt.date(2020, 1, 1)},
        {"end_date": dt.date(2040, 1, 1)},
    ],
)
def test_a_period_outside_the_school_year_is_refused(world, garderie_matin, period):
    with pytest.raises(ValidationError):
        _create(world, garderie_matin, **period)
    assert not Inscription.objects.filter(service=garderie_matin).exists()
    assert not LogEntry.objects.exists()


def test_an_end_before_the_start_is_refused(world, garderie_matin):
    start = world.school_year.start_date + dt.timedelta(days=10)
    with pytest.raises(ValidationError):
        _create(world, garderie_matin, start_date=start, end_date=start - dt.timedelta(days=1))


def test_a_second_enrolment_in_the_same_service_and_year_is_refused(world, garderie_matin):
    _create(world, garderie_matin)
    with pytest.raises(ValidationError):
        _create(world, garderie_matin)
    assert Inscription.objects.filter(service=garderie_matin).count() == 1


def test_a_payer_of_another_family_or_a_service_of_another_commune_is_refused(world, garderie_matin):
    with pytest.raises(ValidationError):
        _create(world, garderie_matin, responsable=world.bob)
    foreign = f.ServiceFactory(etablissement=world.other_enfant.etablissement)
    with pytest.raises(ValidationError):
        _create(world, foreign)
    assert not Inscription.objects.filter(enfant=world.enfant).exists()
