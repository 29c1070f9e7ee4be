import datetime as dt

import pytest
from django.urls import reverse

from marelle.planning.models import Cell, CellState, Demande
from marelle.planning.rules import Action
from marelle.planning.services import demande_decide, demande_submit
from tests import factories as f
from tests.portal_planning.conftest import NOW

pytestmark = pytest.mark.usefixtures("frozen")


def book(world, service, day, key=None, enfant=None):
    return demande_submit(
        actor=world.alice.user,
        enfant=enfant or world.enfant,
        action=Action.BOOK,
        cells=[(service.pk, day)],
        now=NOW,
        submission_key=key,
    ).demande


def test_list_shows_the_familys_demandes_newest_first(alice_client, world, cantine):
    first = book(world, cantine, dt.date(2026, 12, 7))
    second = book(world, cantine, dt.date(2026, 12, 8))
    Demande.objects.filter(pk=second.pk).update(created_at=NOW + dt.timedelta(minutes=1))
    demande_decide(actor=world.agent.user, demande=first, accept=False, now=NOW, comment="Complet ce jour-là")
    bob_service = f.ServiceFactory(etablissement=world.other_enfant.etablissement, name="CANTINE DE BOB")
    f.InscriptionFactory(enfant=world.other_enfant, service=bob_service)
    demande_submit(
        actor=world.bob.user,
        enfant=world.other_enfant,
        action=Action.BOOK,
        cells=[(bob_service.pk, dt.date(2026, 12, 7))],
        now=NOW,
    )
    html = alice_client.get(reverse("portal:demandes")).content.decode()
    assert "CANTINE DE BOB" not in html
    assert html.index("mardi 8 décembre") < html.index("lundi 7 décembre")
    assert "Complet ce jour-là" in html and "Refusée" in html and "En attente" in html
    assert html.count("Annuler la demande<span") == 1
    assert "Commentaire de la mairie : Complet ce jour-là" in html


def test_filters(alice_client, world, cantine):
    book(world, cantine, dt.date(2026, 12, 7))
    f.CellFactory(enfant=world.enfant, service=cantine, date=dt.date(2026, 12, 14), state=CellState.BOOKED)
    demande_submit(
        actor=world.alice.user,
        enfant=world.enfant,
        action=Action.ABSENCE,
        cells=[(cantine.pk, dt.date(2026, 12, 14))],
        now=NOW,
        reason="medical",
    )
    html = alice_client.get(reverse("portal:demandes"), {"type": "absence"}).content.decode()
    assert "RAISON MEDICALE" in html and "lundi 7 décembre" not in html
    html = alice_client.get(reverse("portal:demandes"), {"statut": "pending"}).content.decode()
    assert "lundi 7 décembre" in html and "RAISON MEDICALE" not in html
    sibling = f.EnfantFactory(famille=world.famille, prenom="CADET", etablissement=world.etablissement)
    html = alice_client.get(reverse("portal:demandes"), {"enfant": sibling.pk}).content.decode()
    assert "Aucune demande." in html


def test_cancel_from_the_list(alice_client, world, cantine):
    demande = book(world, cantine, dt.date(2026, 12, 7))
    response = alice_client.post(reverse("portal:demande_cancel", args=[demande.pk]))
    assert response.status_code == 302
    demande.refresh_from_db()
    assert demande.status == "cancelled"
    assert not Cell.objects.exists()


def test_cancel_a_decided_demande_says_why(alice_client, world, cantine):
    demande = book(world, cantine, dt.date(2026, 12, 7))
    demande_decide(actor=world.agent.user, demande=demande, accept=True, now=NOW)
    response = alice_client.post(reverse("portal:demande_cancel", args=[demande.pk]), follow=True)
    assert "Cette demande a déjà été traitée" in response.content.decode()
    assert Cell.objects.get().state == CellState.BOOKED


def test_another_familys_demande_is_404(alice_client, world):
    service = f.ServiceFactory(etablissement=world.other_enfant.etablissement)
    f.InscriptionFactory(enfant=world.other_enfant, service=service)
    theirs = demande_submit(
        actor=world.bob.user,
        enfant=world.other_enfant,
        action=Action.BOOK,
        cells=[(service.pk, dt.date(2026, 12, 7))],
        now=NOW,
    ).demande
    assert alice_client.post(reverse("portal:demande_cancel", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"


@pytest.mark.parametrize("n", [1, 15])
def test_query_count_does_not_grow_with_demandes(alice_client, world, cantine, django_assert_max_num_queries, n):
    day = dt.date(2026, 12, 7)
    for i in range(n):
        book(world, cantine, day + dt.timedelta(days=7 * i))
    with django_assert_max_num_queries(8):
        response = alice_client.get(reverse("portal:demandes"))
    assert response.content.decode().count("demande__days") == n


def test_pagination(alice_client, world, cantine):
    for _ in range(21):
        Demande.objects.create(famille=world.famille, enfant=world.enfant, kind="reservation", created_at=NOW)
    html = alice_client.get(reverse("portal:demandes")).content.decode()
    assert "Page 1 sur 2" in html
    assert "Page 2 sur 2" in alice_client.get(reverse("portal:demandes"), {"page": 2}).content.decode()


def test_the_cancel_button_names_the_days_and_asks_first(alice_client, world, cantine):
    demande = book(world, cantine, dt.date(2026, 12, 7))
    listing = alice_client.get(reverse("portal:demandes")).content.decode()
    button = listing.split('class="demande__action"', 1)[1].split("</td>", 1)[0]
    assert "RESTAURATION lundi 7 décembre" in button  # the day cancelled, not when it was asked
    assert "<form" not in button  # a link to the confirmation, not an immediate cancel
    confirm_url = reverse("portal:demande_cancel", args=[demande.pk])
    page = alice_client.get(confirm_url, {"next": "/portail/demandes/?statut=pending"})
    html = page.content.decode()
    assert page.status_code == 200 and "Annuler la demande de réservation ?" in html
    assert "lundi 7 décembre" in html and "Oui, annuler la demande" in html
    assert 'href="/portail/demandes/?statut=pending"' in html  # « Non, la garder » goes back
    demande.refresh_from_db()
    assert demande.status == "pending"  # looking at the question cancels nothing
    alice_client.post(confirm_url, {"next": "/portail/demandes/?statut=pending"})
    demande.refresh_from_db()
    assert demande.status == "cancelled"


def test_the_confirmation_of_another_familys_demande_is_a_404(client, world, cantine):
    demande = book(world, cantine, dt.date(2026, 12, 7))
    client.force_login(world.bob.user)
    assert client.get(reverse("portal:demande_cancel", args=[demande.pk])).status_code == 404
