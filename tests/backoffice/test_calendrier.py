"""Calendar: day types, closures that close the booked days and tell the families, imports."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.urls import reverse

from marelle.planning.models import Cell, CellState
from marelle.territory.models import Closure, DayType
from tests import factories as f
from tests.backoffice.conftest import DAY


def _url(world):
    return reverse("backoffice:calendrier_commune", args=[world.commune.pk])


def test_add_a_day_type(agent_client, world):
    response = agent_client.post(
        _url(world), {"form": "daytype", "dt-code": "G", "dt-label": "Grève", "dt-colour": "#aa3300"}
    )
    assert response.status_code == 302
    assert DayType.objects.filter(commune=world.commune, code="G").exists()
    again = agent_client.post(_url(world), {"form": "daytype", "dt-code": "G", "dt-label": "x", "dt-colour": "#aa3300"})
    assert again.status_code == 400


def test_a_closure_closes_booked_days_and_emails_the_family(
    agent_client, world, bo, django_capture_on_commit_callbacks
):
    day_type = f.DayTypeFactory(commune=world.commune, code="F")
    f.CellFactory(enfant=world.enfant, service=bo.cantine, date=DAY, state=CellState.BOOKED)
    f.CellFactory(enfant=world.enfant, service=bo.cantine, date=DAY + dt.timedelta(days=1), state=CellState.BOOKED)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            _url(world),
            {
                "form": "closure",
                "cl-label": "Grève",
                "cl-start_date": DAY.isoformat(),
                "cl-day_type": day_type.pk,
                "cl-services": [bo.cantine.pk],
            },
        )
    assert response.status_code == 302
    closure = Closure.objects.get(label="Grève")
    assert closure.end_date == DAY
    assert Cell.objects.get(enfant=world.enfant, date=DAY).state == CellState.CLOSED
    assert Cell.objects.get(enfant=world.enfant, date=DAY + dt.timedelta(days=1)).state == CellState.BOOKED
    assert len(mail.outbox) == 1 and "fermé" in mail.outbox[0].body


def test_a_closure_cannot_name_another_communes_service(agent_client, world, bo):
    day_type = f.DayTypeFactory(commune=world.commune, code="F")
    response = agent_client.post(
        _url(world),
        {
            "form": "closure",
            "cl-label": "x",
            "cl-start_date": DAY.isoformat(),
            "cl-day_type": day_type.pk,
            "cl-services": [bo.other_service.pk],
        },
    )
    assert response.status_code == 400
    assert not Closure.objects.exists()


def test_yearly_import_of_public_and_school_holidays(agent_client, world, bo):
    f.CellFactory(enfant=world.enfant, service=bo.cantine, date=dt.date(2026, 12, 25), state=CellState.BOOKED)
    agent_client.post(_url(world), {"form": "import", "im-school_year": world.school_year.pk, "im-what": "public"})
    agent_client.post(_url(world), {"form": "import", "im-school_year": world.school_year.pk, "im-what": "school"})
    assert Closure.objects.filter(commune=world.commune, source=Closure.Source.PUBLIC_HOLIDAYS).exists()
    assert Closure.objects.filter(commune=world.commune, source=Closure.Source.SCHOOL_HOLIDAYS).exists()
    assert Cell.objects.get(date=dt.date(2026, 12, 25)).state == CellState.CLOSED
    count = Closure.objects.count()
    agent_client.post(_url(world), {"form": "import", "im-school_year": world.school_year.pk, "im-what": "public"})
    assert Closure.objects.count() == count
