"""Separated parents, as in the demo's MARTIN/BERNARD family: Julien pays RESTAURATION,
Sophie pays GARDERIE SOIR, both for Léa; the family keeps them apart (shared_access off)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from marelle.planning.models import Service
from tests import factories as f


@dataclass
class Separated:
    famille: object
    julien: object  # Responsable, with .user
    sophie: object
    lea: object
    cantine: object  # paid by Julien
    soir: object  # paid by Sophie


def separated_family(world, *, shared_access: bool = False) -> Separated:
    famille = f.FamilleFactory(commune=world.commune, numero="381600000102", shared_access=shared_access)
    julien = f.ResponsableFactory(
        famille=famille,
        civilite="M.",
        nom="MARTIN",
        prenom="Julien",
        phone="06 00 00 00 02",
        user__username="julien.martin@example.org",
    )
    sophie = f.ResponsableFactory(
        famille=famille,
        civilite="Mme",
        nom="BERNARD",
        prenom="Sophie",
        phone="06 00 00 00 03",
        user__username="sophie.bernard@example.org",
    )
    lea = f.EnfantFactory(famille=famille, nom="MARTIN", prenom="Léa", etablissement=world.etablissement)
    cantine = f.ServiceFactory(etablissement=world.etablissement, name="RESTAURATION", weekdays="0134", position=4)
    soir = f.ServiceFactory(
        etablissement=world.etablissement,
        name="GARDERIE SOIR",
        weekdays="0134",
        start_time=dt.time(16, 30),
        end_time=dt.time(18, 30),
        booking_mode=Service.BookingMode.VALIDATION,
        position=3,
    )
    f.InscriptionFactory(enfant=lea, service=cantine, school_year=world.school_year, responsable=julien)
    f.InscriptionFactory(enfant=lea, service=soir, school_year=world.school_year, responsable=sophie)
    return Separated(famille, julien, sophie, lea, cantine, soir)


@pytest.fixture
def separated(world) -> Separated:
    return separated_family(world)


@pytest.fixture
def shared(world) -> Separated:
    """The same family, with access shared: both parents act on everything."""
    return separated_family(world, shared_access=True)
