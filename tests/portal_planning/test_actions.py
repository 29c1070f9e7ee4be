import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marelle.planning.models import Cell, CellState, Demande
from tests import factories as f
from tests.portal_planning.conftest import paris

pytestmark = pytest.mark.usefixtures("frozen")

MONDAY = dt.date(2026, 12, 7)
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def action_url(enfant):
    return reverse("portal:planning_action", args=[enfant.pk])


def key(service, day):
    return f"{service.pk}:{day.isoformat()}"


def post(client, enfant, action, cells, **extra):
    data = {"action": action, "cells": cells, "mois": "2026-12", **extra}
    return client.post(action_url(enfant), data, **extra.pop("headers", {}))


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def state(world, service, day):
    cell = Cell.objects.filter(enfant=world.enfant, service=service, date=day).first()
    return cell.state if cell else "free"


def test_book_a_free_day_without_js_redirects_with_a_message(alice_client, world, cantine):
    response = post(alice_client, world.enfant, "book", [key(cantine, MONDAY)], submission_key="k1")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:planning", args=[world.enfant.pk]) + "?mois=2026-12"
    assert state(world, cantine, MONDAY) == CellState.PENDING
    demande = Demande.objects.get()
    assert (demande.kind, demande.status, demande.created_by) == ("reservation", "pending", world.alice.user)
    assert messages_of(response) == [
        "Demande de réservation enregistrée — RESTAURATION, lundi 7 décembre 2026 : Demande en attente."
    ]


def test_automatic_service_books_at_once(alice_client, world, garderie):
    post(alice_client, world.enfant, "book", [key(garderie, MONDAY)])
    assert state(world, garderie, MONDAY) == CellState.BOOKED
    assert Demande.objects.get().status == "accepted"


def test_fetch_gets_json_with_the_changed_cell_as_html(alice_client, world, garderie):
    response = alice_client.post(
        action_url(world.enfant), {"action": "book", "cells": [key(garderie, MONDAY)], "submission_key": "k"}, **FETCH
    )
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] and data["level"] == "success"
    assert "Réservé" in data["message"]
    html = data["cells"][key(garderie, MONDAY)]
    assert html.startswith('<td class="cell st-booked')
    assert "GARDERIE MATIN, lundi 7 décembre 2026 : Réservé — absence sans frais" in html
    assert 'data-actions="absence"' in html
    assert data["submission_key"] and data["submission_key"] != "k"


def test_double_submit_with_the_same_key_makes_one_demande(alice_client, world, cantine):
    for _ in range(2):
        post(alice_client, world.enfant, "book", [key(cantine, MONDAY)], submission_key="same-key")
    response = alice_client.post(
        action_url(world.enfant),
        {"action": "book", "cells": [key(cantine, MONDAY)], "submission_key": "same-key"},
        **FETCH,
    )
    assert Demande.objects.count() == 1
    assert response.json()["message"] == "Cette demande a déjà été enregistrée."


def test_absence_in_time_is_excused(alice_client, world, cantine):
    day = dt.date(2026, 12, 14)
    f.CellFactory(enfant=world.enfant, service=cantine, date=day, state=CellState.BOOKED)
    response = post(alice_client, world.enfant, "absence", [key(cantine, day)], reason="medical", comment="angine")
    assert state(world, cantine, day) == CellState.ABSENCE_EXCUSED
    demande = Demande.objects.get()
    assert (demande.kind, demande.status, demande.reason, demande.comment) == (
        "absence",
        "accepted",
        "medical",
        "angine",
    )
    assert "Absent excusé" in messages_of(response)[0]


def test_absence_after_deadline_waits_for_an_agent(client, world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=MONDAY, state=CellState.BOOKED)
    client.force_login(world.alice.user)
    with time_machine.travel(paris(2026, 12, 6, 9, 0), tick=False):
        response = post(client, world.enfant, "absence", [key(cantine, MONDAY)], reason="strike")
    assert state(world, cantine, MONDAY) == CellState.ABSENCE_PENDING
    assert Demande.objects.get().status == "pending"
    assert "Absence en cours de traitement" in messages_of(response)[0]


def test_absence_with_a_pdf_certificate_is_stored_under_our_name(alice_client, world, cantine):
    day = dt.date(2026, 12, 14)
    f.CellFactory(enfant=world.enfant, service=cantine, date=day, state=CellState.BOOKED)
    pdf = SimpleUploadedFile("certificat.html", b"%PDF-1.4\n%...", content_type="text/html")
    post(alice_client, world.enfant, "absence", [key(cantine, day)], reason="medical", document=pdf)
    name = Demande.objects.get().document.name
    assert name.startswith("justificatifs/") and name.endswith(".pdf")


def test_absence_needs_a_reason(alice_client, world, cantine):
    day = dt.date(2026, 12, 14)
    f.CellFactory(enfant=world.enfant, service=cantine, date=day, state=CellState.BOOKED)
    response = post(alice_client, world.enfant, "absence", [key(cantine, day)])
    assert messages_of(response) == ["Choisissez le motif de l'absence."]
    assert state(world, cantine, day) == CellState.BOOKED
    assert not Demande.objects.exists()


def test_cancel_a_pending_booking(alice_client, world, cantine):
    post(alice_client, world.enfant, "book", [key(cantine, MONDAY)], submission_key="a")
    response = post(alice_client, world.enfant, "cancel", [key(cantine, MONDAY)], submission_key="b")
    assert state(world, cantine, MONDAY) == "free"
    assert "Demande annulée" in messages_of(response)[-1]
    assert Demande.objects.get(submission_key="a").status == "cancelled"


def test_many_cells_at_once_reports_what_was_not_done(alice_client, world, cantine):
    cells = [key(cantine, MONDAY), key(cantine, dt.date(2026, 12, 8)), key(cantine, dt.date(2026, 12, 9))]
    response = post(alice_client, world.enfant, "book", cells)
    assert state(world, cantine, MONDAY) == state(world, cantine, dt.date(2026, 12, 8)) == CellState.PENDING
    message = messages_of(response)[0]
    assert message.startswith("Demande de réservation enregistrée — 2 jours : 2 × Demande en attente.")
    assert (
        "1 jour non modifié : RESTAURATION, mercredi 9 décembre 2026 — Le service RESTAURATION n'ouvre pas" in message
    )


# ---------------------------------------------------------------- refusals: nothing saved


def assert_nothing_saved(world):
    assert not Demande.objects.exists()
    assert not Cell.objects.filter(enfant=world.enfant).exists()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 12, 3), "Ce jour est passé"),
        (dt.date(2026, 12, 9), "n'ouvre pas ce jour-là"),  # a Wednesday
        (dt.date(2026, 12, 5), "n'ouvre pas ce jour-là"),  # a Saturday
    ],
)
def test_refused_days(alice_client, world, cantine, day, expected):
    response = alice_client.post(action_url(world.enfant), {"action": "book", "cells": [key(cantine, day)]}, **FETCH)
    assert response.status_code == 400
    assert expected in response.json()["message"]
    assert_nothing_saved(world)


def test_closed_day_is_refused(alice_client, world, cantine):
    f.ClosureFactory(commune=world.commune, start_date=MONDAY, end_date=MONDAY, label="Grève")
    response = post(alice_client, world.enfant, "book", [key(cantine, MONDAY)])
    assert messages_of(response) == ["Le service est fermé ce jour-là (Grève)."]
    assert_nothing_saved(world)


def test_after_the_deadline_is_refused(client, world, cantine):
    client.force_login(world.alice.user)
    with time_machine.travel(paris(2026, 12, 6, 0, 0), tick=False):
        response = post(client, world.enfant, "book", [key(cantine, MONDAY)])
    assert messages_of(response) == [
        "Le délai de réservation est dépassé (il fallait réserver avant le samedi 5 décembre à 23:59)."
    ]
    assert_nothing_saved(world)


def test_not_enrolled_service_is_refused(alice_client, world, cantine):
    other = f.ServiceFactory(etablissement=world.etablissement, name="GARDERIE SOIR")
    response = post(alice_client, world.enfant, "book", [key(other, MONDAY)])
    assert "n'est pas inscrit(e)" in messages_of(response)[0]
    assert_nothing_saved(world)


def test_another_familys_child_is_404_and_nothing_saved(alice_client, world, cantine):
    response = post(alice_client, world.other_enfant, "book", [key(cantine, MONDAY)])
    assert response.status_code == 404
    assert not Demande.objects.exists()


def test_another_familys_service_key_is_refused(alice_client, world, cantine):
    theirs = f.ServiceFactory(etablissement=world.other_enfant.etablissement)
    f.InscriptionFactory(enfant=world.other_enfant, service=theirs)
    response = alice_client.post(action_url(world.enfant), {"action": "book", "cells": [key(theirs, MONDAY)]}, **FETCH)
    assert response.status_code == 400 and response.json()["cells"] == {}
    assert not Demande.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"action": "delete", "cells": ["1:2026-12-07"]}, "Action inconnue."),
        ({"action": "book", "cells": ["1:2026-13-40"]}, "Case du planning invalide."),
        ({"action": "book", "cells": ["x:2026-12-07"]}, "Case du planning invalide."),
        ({"action": "book", "cells": ["2026-12-07"]}, "Case du planning invalide."),
        ({"action": "book"}, "Choisissez au moins un jour."),
        ({"action": "absence", "cells": ["1:2026-12-07"], "reason": "flemme"}, "Motif d'absence inconnu."),
    ],
)
def test_forged_requests_are_refused(alice_client, world, cantine, data, expected):
    response = alice_client.post(action_url(world.enfant), data)
    assert messages_of(response) == [expected]
    assert_nothing_saved(world)


def test_forged_state_absence_on_a_free_day_is_refused(alice_client, world, cantine):
    response = post(alice_client, world.enfant, "absence", [key(cantine, MONDAY)], reason="medical")
    assert messages_of(response) == ["Une absence ne peut être déclarée que sur un jour réservé."]
    assert_nothing_saved(world)


def test_forged_state_cancel_on_a_booked_day_is_refused(alice_client, world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=MONDAY, state=CellState.BOOKED)
    response = post(alice_client, world.enfant, "cancel", [key(cantine, MONDAY)])
    assert messages_of(response) == ["Il n'y a pas de demande en attente à annuler sur cette case."]
    assert state(world, cantine, MONDAY) == CellState.BOOKED
    assert not Demande.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("certificat.pdf", b"<html><script>alert(1)</script>"),
        ("photo.png", b"GIF89a......"),
        ("vide.pdf", b""),
    ],
)
def test_bad_file_type_is_refused(alice_client, world, cantine, name, content):
    day = dt.date(2026, 12, 14)
    f.CellFactory(enfant=world.enfant, service=cantine, date=day, state=CellState.BOOKED)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = post(alice_client, world.enfant, "absence", [key(cantine, day)], reason="medical", document=upload)
    assert messages_of(response)[0] in {
        "Le justificatif doit être un PDF, une image JPEG ou PNG. Ce fichier n'en est pas un.",
        "Le fichier soumis est vide.",
    }
    assert state(world, cantine, day) == CellState.BOOKED
    assert not Demande.objects.exists()


def test_too_big_file_is_refused(alice_client, world, cantine):
    day = dt.date(2026, 12, 14)
    f.CellFactory(enfant=world.enfant, service=cantine, date=day, state=CellState.BOOKED)
    big = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    response = post(alice_client, world.enfant, "absence", [key(cantine, day)], reason="medical", document=big)
    assert messages_of(response) == ["Le justificatif dépasse 5 Mo : envoyez un fichier plus léger."]
    assert not Demande.objects.exists()


def test_logged_out_post_goes_to_login(client, world, cantine):
    response = client.post(action_url(world.enfant), {"action": "book", "cells": [key(cantine, MONDAY)]})
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]
    assert not Demande.objects.exists()


# ---------------------------------------------------------------- the no-JS cell page


def test_cell_page_offers_only_allowed_actions(alice_client, world, cantine):
    f.CellFactory(enfant=world.enfant, service=cantine, date=dt.date(2026, 12, 14), state=CellState.BOOKED)
    page = reverse("portal:planning_cell", args=[world.enfant.pk])
    html = alice_client.get(page, {"cellule": key(cantine, dt.date(2026, 12, 14)), "mois": "2026-12"}).content.decode()
    assert (
        "Déclaration d&#x27;absence" in html and "RAISON MEDICALE" in html and "CIRCONSTANCES EXCEPTIONNELLES" in html
    )
    assert 'value="book"' not in html
    html = alice_client.get(page, {"cellule": key(cantine, MONDAY)}).content.decode()
    assert 'value="book"' in html and "RAISON MEDICALE" not in html


def test_cell_page_404s_for_unknown_cells(alice_client, world, cantine):
    page = reverse("portal:planning_cell", args=[world.enfant.pk])
    assert alice_client.get(page, {"cellule": "nope"}).status_code == 404
    other = f.ServiceFactory()
    assert alice_client.get(page, {"cellule": key(other, MONDAY)}).status_code == 404
    other_page = reverse("portal:planning_cell", args=[world.other_enfant.pk])
    assert alice_client.get(other_page, {"cellule": key(cantine, MONDAY)}).status_code == 404


def test_absence_reasons_are_the_guides(alice_client, world, cantine):
    html = alice_client.get(reverse("portal:planning", args=[world.enfant.pk]) + "?mois=2026-12").content.decode()
    for reason in [
        "RAISON MEDICALE",
        "VOYAGE OU SORTIE SCOLAIRE",
        "ABSENCE DE L&#x27;ENSEIGNANT",
        "GREVE DU PERSONNEL OU DES ENSEIGNANTS",
        "ACCIDENT DE LA CIRCULATION",
        "PARTICIPATION A UNE SEQUENCE DE SOUTIEN",
        "CAS DE FORCE MAJEURE",
        "CIRCONSTANCES EXCEPTIONNELLES",
        "AUTRES",
    ]:
        assert reason in html
    assert "<dialog" in html and "Enregistrer" in html and "Fermer" in html
    assert io  # noqa: B018
