import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marelle.audit.models import LogEntry
from marelle.messaging.models import Message
from tests import factories as f
from tests.billing.factories import FactureFactory, PaymentFactory

SUNDAY = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _sunday_29_november():
    with time_machine.travel(SUNDAY, tick=False):
        yield


PARENT_PAGES = ["accueil", "compte", "enfants", "releve", "messages", "infos"]


@pytest.mark.parametrize("name", PARENT_PAGES)
def test_parent_pages_need_a_login(client, db, name):
    response = client.get(reverse(f"portal:{name}"))
    assert response.status_code == 302 and response["Location"].startswith("/portail/?next=")


@pytest.mark.parametrize("name", PARENT_PAGES)
def test_parent_pages_show_the_guides_navigation(alice_client, name):
    html = alice_client.get(reverse(f"portal:{name}")).content.decode().replace("<wbr>", "")  # a line-break hint
    for item in [
        "Accueil",
        "Mon compte",
        "Mes enfants",
        "Relevé de compte",
        "Boîte de réception",
        "Liste des demandes",
        "Déconnexion",
        "Changer mot de passe",
        "Infos/Documents",
    ]:
        assert item in html, item


def test_accueil_without_invoices_or_messages(alice_client, world):
    html = alice_client.get(reverse("portal:accueil")).content.decode()
    assert "Madame ZTEST PAYS" in html
    assert "381623867924" in html
    assert "Aucun message non lu" in html
    assert "Solde au dimanche 29 novembre 2026 : 0,00\xa0€" in html
    assert "Aucune facture impayée." in html
    # The name opens the child's page (its planning when the planning app provides one).
    assert f'href="/portail/enfants/{world.enfant.pk}/' in html


def test_accueil_blocks_come_from_real_data(alice_client, world):
    facture = FactureFactory(
        famille=world.famille, responsable=world.alice, number="CHA-2026-000042", total=Decimal("1286.40")
    )
    PaymentFactory(famille=world.famille, facture=facture, amount=Decimal("40.00"))
    FactureFactory(famille=world.other_famille, responsable=world.bob, number="TEC-2026-000001")
    Message.objects.create(famille=world.famille, subject="Menu", body="…")
    Message.objects.create(famille=world.famille, subject="Grève", body="…")
    Message.objects.create(famille=world.famille, subject="Lu", body="…", read_at=timezone.now())
    Message.objects.create(famille=world.other_famille, subject="Autre", body="…")
    html = alice_client.get(reverse("portal:accueil")).content.decode()
    assert "2 messages non lus" in html
    assert "Solde au dimanche 29 novembre 2026 : -1\u202f246,40\xa0€" in html
    assert "CHA-2026-000042" in html and "1\u202f246,40\xa0€" in html
    assert "TEC-2026-000001" not in html
    assert "Aucune facture impayée." not in html


def accueil_queries(client, famille_children: int) -> int:
    famille = f.FamilleFactory()
    parent = f.ResponsableFactory(famille=famille)
    f.EnfantFactory.create_batch(famille_children, famille=famille)
    FactureFactory(famille=famille, responsable=parent)
    Message.objects.create(famille=famille, subject="x", body="x")
    client.force_login(parent.user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("portal:accueil"))
    assert response.status_code == 200
    assert response.content.decode().count(reverse("portal:enfant", args=[0])[:-2]) >= famille_children
    return len(ctx.captured_queries)


def test_accueil_query_count_does_not_grow_with_children(client, db, django_assert_max_num_queries):
    one = accueil_queries(client, 1)
    six = accueil_queries(client, 6)
    assert one == six
    assert six <= 10


def test_another_familys_child_page_is_404(alice_client, world):
    assert alice_client.get(reverse("portal:enfant", args=[world.other_enfant.pk])).status_code == 404
    assert alice_client.get(reverse("portal:enfant", args=[999999])).status_code == 404


def test_child_page_shows_the_card_and_enrolled_services_with_payer(alice_client, world):
    world.enfant.birth_date = dt.date(2016, 1, 1)
    world.enfant.birth_place = "Saint-Marcellin"
    world.enfant.save()
    separated = f.ResponsableFactory(famille=world.famille, nom="ZTEST", prenom="PAUL")
    cantine = f.ServiceFactory(etablissement=world.etablissement, name="RESTAURATION")
    soir = f.ServiceFactory(etablissement=world.etablissement, name="GARDERIE SOIR")
    past_year = f.SchoolYearFactory(
        commune=world.commune, label="2025-2026", start_date=dt.date(2025, 9, 1), end_date=dt.date(2026, 7, 4)
    )
    old = f.ServiceFactory(etablissement=world.etablissement, name="ANCIEN SERVICE")
    for service, payer, year in [
        (cantine, world.alice, world.school_year),
        (soir, separated, world.school_year),
        (old, world.alice, past_year),
    ]:
        f.InscriptionFactory(enfant=world.enfant, service=service, responsable=payer, school_year=year)
    html = alice_client.get(reverse("portal:enfant", args=[world.enfant.pk])).content.decode()
    assert "01/01/2016 - 10 ans" in html
    assert "Saint-Marcellin" in html and "École de Chatte" in html
    assert "Prélèvement" in html and "Non" in html
    assert "381623867924" in html
    assert "RESTAURATION" in html and "GARDERIE SOIR" in html and "ZTEST PAUL" in html
    assert "ANCIEN SERVICE" not in html


def test_mes_enfants_lists_only_the_familys_children(alice_client, world):
    html = alice_client.get(reverse("portal:enfants")).content.decode()
    assert world.enfant.prenom in html
    assert world.other_enfant.prenom not in html


def test_mon_compte_edits_ones_own_contact_with_audit(alice_client, world):
    response = alice_client.post(
        reverse("portal:compte"), {"email": "alice.new@example.org", "phone": "06 11 22 33 44"}
    )
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.email == "alice.new@example.org" and world.alice.phone == "06 11 22 33 44"
    assert LogEntry.objects.filter(action="responsable.updated", object_id=str(world.alice.pk)).exists()
    assert "Vos coordonnées ont été enregistrées." in alice_client.get(reverse("portal:compte")).content.decode()


def test_mon_compte_refuses_an_email_taken_by_another_account(alice_client, world):
    response = alice_client.post(reverse("portal:compte"), {"email": "bob@example.org", "phone": ""})
    assert response.status_code == 400
    assert "déjà utilisée" in response.content.decode()


def test_releve_lists_invoices_and_payments_with_a_running_balance(alice_client, world):
    FactureFactory(famille=world.famille, responsable=world.alice, number="CHA-1", total=Decimal("30.00"))
    PaymentFactory(famille=world.famille, amount=Decimal("30.00"))
    html = alice_client.get(reverse("portal:releve")).content.decode()
    assert "Facture CHA-1" in html and "Paiement (chèque)" in html
    assert "bientôt disponible" not in html


def test_inbox_opens_a_message_and_marks_it_read_but_not_another_familys(alice_client, world):
    mine = Message.objects.create(famille=world.famille, subject="Menu de décembre", body="Bon appétit")
    theirs = Message.objects.create(famille=world.other_famille, subject="Secret", body="…")
    inbox = alice_client.get(reverse("portal:messages")).content.decode()
    assert "Menu de décembre" in inbox and "Secret" not in inbox
    assert alice_client.get(reverse("portal:message", args=[mine.pk])).status_code == 200
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert alice_client.get(reverse("portal:message", args=[theirs.pk])).status_code == 404
