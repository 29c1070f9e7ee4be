"""Enrolments and regular patterns: scoped choices, generation across holidays and closures,
change from a date without touching the past."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from marelle.planning.models import Cell, CellState, ContratRegulier, Inscription
from tests import factories as f


def _booked(enfant, service) -> list[dt.date]:
    return sorted(
        Cell.objects.filter(enfant=enfant, service=service, state=CellState.BOOKED).values_list("date", flat=True)
    )


def test_enrol_a_child_for_the_school_year(agent_client, world):
    service = f.ServiceFactory(etablissement=world.etablissement, name="GARDERIE MATIN")
    response = agent_client.post(
        reverse("backoffice:inscription_create", args=[world.enfant.pk]),
        {"service": service.pk, "school_year": world.school_year.pk, "responsable": world.alice.pk},
    )
    assert response.status_code == 302
    inscription = Inscription.objects.get(enfant=world.enfant, service=service)
    assert (inscription.start_date, inscription.end_date) == (world.school_year.start_date, world.school_year.end_date)
    assert inscription.responsable == world.alice


def test_enrolment_choices_are_scoped(agent_client, world):
    foreign_service = f.ServiceFactory(etablissement=world.other_enfant.etablissement)
    url = reverse("backoffice:inscription_create", args=[world.enfant.pk])
    response = agent_client.post(
        url, {"service": foreign_service.pk, "school_year": world.school_year.pk, "responsable": world.bob.pk}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"service", "responsable"}
    assert not Inscription.objects.filter(enfant=world.enfant).exists()


def test_a_regular_pattern_skips_holidays_and_closures(agent_client, world):
    service = f.ServiceFactory(etablissement=world.etablissement, weekdays="0134")
    inscription = f.InscriptionFactory(
        enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice
    )
    # Christmas holidays (P), a strike on one service only, another service's closure.
    f.ClosureFactory(
        commune=world.commune,
        start_date=dt.date(2026, 12, 21),
        end_date=dt.date(2027, 1, 3),
        label="Vacances de Noël",
        day_type=f.DayTypeFactory(commune=world.commune, code="P"),
    )
    strike = f.ClosureFactory(
        commune=world.commune, start_date=dt.date(2026, 12, 10), end_date=dt.date(2026, 12, 10), label="Grève"
    )
    strike.services.set([service])
    unrelated = f.ClosureFactory(
        commune=world.commune,
        start_date=dt.date(2026, 12, 14),
        end_date=dt.date(2026, 12, 14),
        label="Travaux garderie",
    )
    unrelated.services.set([f.ServiceFactory(etablissement=world.etablissement)])

    response = agent_client.post(
        reverse("backoffice:contrat_create", args=[inscription.pk]),
        {"weekdays": ["0", "3"], "start_date": "2026-12-07", "end_date": "2027-01-08"},
    )
    assert response.status_code == 302
    assert _booked(world.enfant, service) == [
        dt.date(2026, 12, 7),
        # 10 Dec (Thursday): strike
        dt.date(2026, 12, 14),  # another service's works
        dt.date(2026, 12, 17),
        # 21 Dec – 3 Jan: holidays
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 7),
    ]
    assert all(Cell.objects.filter(service=service).values_list("from_contrat", flat=True))


def test_a_pattern_cannot_run_past_its_inscription(agent_client, world):
    service = f.ServiceFactory(etablissement=world.etablissement)
    inscription = f.InscriptionFactory(
        enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice
    )
    response = agent_client.post(
        reverse("backoffice:contrat_create", args=[inscription.pk]),
        {"weekdays": ["0"], "start_date": "2026-12-07", "end_date": "2027-09-30"},
    )
    assert response.status_code == 400
    assert not ContratRegulier.objects.exists()


def test_changing_a_pattern_from_a_date_keeps_the_past(agent_client, world):
    service = f.ServiceFactory(etablissement=world.etablissement, weekdays="0134")
    inscription = f.InscriptionFactory(
        enfant=world.enfant, service=service, school_year=world.school_year, responsable=world.alice
    )
    agent_client.post(
        reverse("backoffice:contrat_create", args=[inscription.pk]),
        {"weekdays": ["0"], "start_date": "2026-12-07", "end_date": "2026-12-31"},
    )
    contrat = ContratRegulier.objects.get()
    # The child was absent (excused) on the 21st: that must survive the change.
    Cell.objects.filter(service=service, date=dt.date(2026, 12, 21)).update(state=CellState.ABSENCE_EXCUSED)
    response = agent_client.post(
        reverse("backoffice:contrat_change", args=[contrat.pk]), {"weekdays": ["1"], "from_date": "2026-12-15"}
    )
    assert response.status_code == 302
    assert _booked(world.enfant, service) == [
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 14),
        dt.date(2026, 12, 15),
        dt.date(2026, 12, 22),
        dt.date(2026, 12, 29),
    ]
    assert Cell.objects.get(service=service, date=dt.date(2026, 12, 21)).state == CellState.ABSENCE_EXCUSED
    assert ContratRegulier.objects.count() == 2
