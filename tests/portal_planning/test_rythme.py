import datetime as dt

import pytest
from django.urls import reverse

from marelle.planning.models import Cell, CellState, Demande
from tests import factories as f

pytestmark = pytest.mark.usefixtures("frozen")


def url(world):
    return reverse("portal:rythme", args=[world.enfant.pk])


def data(service, **extra):
    return {"services": [service.pk], "weekdays": ["0", "3"], "start": "2026-12-07", "end": "2026-12-31", **extra}


def test_preview_summarises_then_confirm_books(alice_client, world, cantine):
    f.ClosureFactory(
        commune=world.commune,
        start_date=dt.date(2026, 12, 21),
        end_date=dt.date(2026, 12, 31),
        label="Vacances de Noël",
    )
    f.CellFactory(enfant=world.enfant, service=cantine, date=dt.date(2026, 12, 10), state=CellState.BOOKED)
    response = alice_client.post(url(world), data(cantine))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Aperçu avant confirmation" in html
    # Mondays and Thursdays 7–31 Dec: 7, 10, 14, 17, 21, 24, 28, 31; 10 is already booked; 21–31 closed.
    assert "3 jours seront demandés" in html and "3 en attente de validation" in html
    assert "Le service est fermé ce jour-là (Vacances de Noël)" in html
    assert "Une réservation ne peut pas être demandée sur cette case." in html
    assert not Demande.objects.exists()
    key = response.context["confirm"]["submission_key"].value()
    confirm = {**data(cantine), "submission_key": key, "confirm": "1"}
    response = alice_client.post(url(world), confirm)
    assert response.status_code == 302
    assert response["Location"].endswith("?mois=2026-12")
    assert Cell.objects.filter(state=CellState.PENDING).count() == 3
    alice_client.post(url(world), confirm)  # a double click
    assert Demande.objects.count() == 1


def test_invalid_rhythm_says_why(alice_client, world, cantine):
    response = alice_client.post(url(world), data(cantine, weekdays=[], end="2026-12-01"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choisissez au moins un jour de la semaine." in html
    assert "La date de fin précède la date de début." in html


def test_rhythm_of_another_familys_child_is_404(alice_client, world, cantine):
    assert alice_client.get(reverse("portal:rythme", args=[world.other_enfant.pk])).status_code == 404


def test_services_not_enrolled_are_not_choices(alice_client, world, cantine):
    other = f.ServiceFactory(etablissement=world.etablissement)
    response = alice_client.post(url(world), data(other))
    assert response.status_code == 400
    assert not Demande.objects.exists()


def test_form_defaults(alice_client, world, cantine):
    html = alice_client.get(url(world)).content.decode()
    assert "RESTAURATION" in html and 'value="2026-12-05"' in html
