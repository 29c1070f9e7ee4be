"""Back-office data: a service, an enrolled child and pending demandes in each commune."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from marelle.planning.models import ContratRegulier, Demande, DemandeLine, Service
from tests import factories as f

PARIS = ZoneInfo("Europe/Paris")
DAY = dt.date(2026, 12, 7)  # a Monday of the school year


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def make_pending_demande(enfant, service, day=DAY, kind=Demande.Kind.RESERVATION) -> Demande:
    """A pending demande as demande_submit leaves it: the demande, its line and its cell."""
    from marelle.planning.models import CellState

    state = CellState.PENDING if kind == Demande.Kind.RESERVATION else CellState.ABSENCE_PENDING
    demande = Demande.objects.create(
        famille=enfant.famille, enfant=enfant, kind=kind, created_at=timezone.now(), reason=""
    )
    DemandeLine.objects.create(demande=demande, service=service, date=day, from_state="free", to_state=state)
    f.CellFactory(enfant=enfant, service=service, date=day, state=state, demande=demande)
    return demande


@dataclass
class Backoffice:
    cantine: Service
    other_service: Service
    inscription: object
    other_inscription: object
    other_contrat: ContratRegulier
    other_demande: Demande


@pytest.fixture
def bo(world) -> Backoffice:
    cantine = f.ServiceFactory(etablissement=world.etablissement, name="RESTAURATION", weekdays="0134", capacity=30)
    inscription = f.InscriptionFactory(
        enfant=world.enfant, service=cantine, school_year=world.school_year, responsable=world.alice
    )
    other_etab = world.other_enfant.etablissement
    other_service = f.ServiceFactory(etablissement=other_etab, name="CANTINE TÊCHE")
    other_year = f.SchoolYearFactory(commune=world.other_commune)
    other_inscription = f.InscriptionFactory(
        enfant=world.other_enfant, service=other_service, school_year=other_year, responsable=world.bob
    )
    other_contrat = ContratRegulier.objects.create(
        inscription=other_inscription, weekdays="01", start_date=DAY, end_date=DAY + dt.timedelta(days=30)
    )
    other_demande = make_pending_demande(world.other_enfant, other_service)
    return Backoffice(cantine, other_service, inscription, other_inscription, other_contrat, other_demande)
