"""The family's RGPD export: everything of theirs, nothing of anyone else's, in constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marelle.audit.models import LogEntry
from marelle.messaging.models import Message
from marelle.planning.models import CellChange, CellState, ContratRegulier, Demande, DemandeLine
from marelle.privacy.export import family_data, family_export_zip, tables
from marelle.territory.models import SchoolYear
from tests import factories as f
from tests.billing.factories import FactureFactory, PaymentFactory

NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def fill(famille, responsable, enfant, *, cells: int, tag: str) -> None:
    """One of each table for `enfant`, with `cells` planning cells."""
    year, _ = SchoolYear.objects.get_or_create(
        commune=famille.commune,
        label="2026-2027",
        defaults={"start_date": dt.date(2026, 9, 1), "end_date": dt.date(2027, 7, 3)},
    )
    inscription = f.InscriptionFactory(
        enfant=enfant, responsable=responsable, school_year=year, service__name=f"CANTINE {tag}"
    )
    ContratRegulier.objects.create(
        inscription=inscription, weekdays="0134", start_date=inscription.start_date, end_date=inscription.end_date
    )
    demande = Demande.objects.create(
        famille=famille,
        enfant=enfant,
        kind=Demande.Kind.ABSENCE,
        reason="medical",
        comment=f"Angine {tag}",
        created_by=responsable.user,
        created_at=timezone.now(),
    )
    DemandeLine.objects.create(
        demande=demande,
        service=inscription.service,
        date=dt.date(2026, 12, 7),
        from_state=CellState.BOOKED,
        to_state=CellState.ABSENCE_PENDING,
    )
    for i in range(cells):
        day = dt.date(2026, 12, 1) + dt.timedelta(days=i)
        f.CellFactory(enfant=enfant, service=inscription.service, date=day, demande=demande)
        CellChange.objects.create(
            enfant=enfant,
            service=inscription.service,
            date=day,
            from_state="free",
            to_state=CellState.BOOKED,
            actor=responsable.user,
            at=timezone.now(),
            demande=demande,
        )
    facture = FactureFactory(famille=famille, responsable=responsable, number=f"F-{tag}", total=Decimal("12.30"))
    PaymentFactory(famille=famille, facture=facture, amount=Decimal("12.30"))
    Message.objects.create(famille=famille, subject=f"Menu {tag}", body="Bonjour")


@pytest.fixture
def filled(world):
    world.enfant.allergies = "arachide"
    world.enfant.pai = True
    world.enfant.save()
    fill(world.famille, world.alice, world.enfant, cells=3, tag="ALICE")
    fill(world.other_famille, world.bob, world.other_enfant, cells=2, tag="BOB")
    return world


def test_export_holds_every_table_of_the_family(filled):
    data = family_data(filled.famille)
    assert data["famille"]["numero"] == "381623867924"
    assert data["famille"]["commune_name"] == "Chatte"
    assert [r["nom"] for r in data["responsables"]] == ["ZTEST"]
    assert data["responsables"][0]["user_username"] == "alice@example.org"
    (enfant,) = data["enfants"]
    assert (enfant["prenom"], enfant["allergies"], enfant["pai"]) == ("COMMUNE", "arachide", True)
    assert len(data["inscriptions"]) == 1 and len(data["contrats_reguliers"]) == 1
    (demande,) = data["demandes"]
    assert demande["comment"] == "Angine ALICE"
    assert demande["kind_libelle"] == "absence" and demande["reason_libelle"] == "RAISON MEDICALE"
    assert data["demandes_lignes"][0]["to_state_libelle"] == "Absence en cours de traitement"
    assert [c["date"] for c in data["planning"]] == ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert data["planning"][0]["state_libelle"] == "Réservé"
    assert len(data["planning_historique"]) == 3
    assert [(i["number"], i["total"]) for i in data["factures"]] == [("F-ALICE", Decimal("12.30"))]
    assert data["paiements"][0]["facture_number"] == "F-ALICE"
    assert [m["subject"] for m in data["messages"]] == ["Menu ALICE"]


def test_export_never_holds_password_hashes_or_another_familys_data(filled):
    archive = family_export_zip(filled.famille, now=timezone.now())
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        text = "\n".join(z.read(name).decode("utf-8-sig") for name in z.namelist())
    assert filled.alice.user.password not in text
    assert "password" not in text and "md5$" not in text
    for foreign in ["BOB", "MARTIN", "bob@example.org", filled.other_famille.numero, filled.other_enfant.prenom]:
        assert foreign not in text, foreign


def test_the_zip_holds_json_a_csv_per_table_and_a_readme(filled):
    archive = family_export_zip(filled.famille, now=timezone.now())
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        names = set(z.namelist())
        assert names == {"LISEZMOI.txt", "donnees.json", "famille.csv"} | {
            f"{name}.csv" for name in tables(filled.famille)
        }
        payload = json.loads(z.read("donnees.json"))
        rows = list(csv.DictReader(io.StringIO(z.read("planning.csv").decode("utf-8-sig")), delimiter=";"))
        readme = z.read("LISEZMOI.txt").decode()
    assert payload["genere_le"] == "2026-11-29T11:00:00+01:00"
    assert payload["enfants"][0]["birth_date"] == "2018-05-17"
    assert payload["factures"][0]["total"] == "12.30"
    assert [r["date"] for r in rows] == ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert rows[0]["state"] == "booked" and rows[0]["state_libelle"] == "Réservé"
    assert "381623867924" in readme


def export_queries(famille) -> int:
    with CaptureQueriesContext(connection) as ctx:
        family_export_zip(famille, now=timezone.now())
    return len(ctx.captured_queries)


def test_export_queries_do_not_grow_with_children_or_cells(world):
    fill(world.famille, world.alice, world.enfant, cells=1, tag="A")
    small = export_queries(world.famille)
    for n in range(3):
        enfant = f.EnfantFactory(famille=world.famille, etablissement=world.etablissement)
        fill(world.famille, world.alice, enfant, cells=15, tag=f"B{n}")
    assert export_queries(world.famille) == small == 1 + len(tables(world.famille))


def test_parent_downloads_the_zip_from_mon_compte(alice_client, filled):
    html = alice_client.get(reverse("portal:compte")).content.decode()
    assert "Télécharger les données de ma famille" in html and reverse("portal:export") in html
    response = alice_client.get(reverse("portal:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="marelle-famille-381623867924-2026-11-29.zip"'
    assert "no-store" in response["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        assert json.loads(z.read("donnees.json"))["famille"]["numero"] == "381623867924"


def test_the_download_is_audited(alice_client, filled):
    alice_client.get(reverse("portal:export"))
    entry = LogEntry.objects.get(action="famille.data_exported")
    assert entry.content_object == filled.famille
    assert entry.actor == filled.alice.user
    assert entry.data["bytes"] > 0


def test_each_parent_gets_only_their_own_family(client, filled):
    client.force_login(filled.bob.user)
    with zipfile.ZipFile(io.BytesIO(client.get(reverse("portal:export")).content)) as z:
        payload = json.loads(z.read("donnees.json"))
    assert payload["famille"]["numero"] == filled.other_famille.numero
    assert [m["subject"] for m in payload["messages"]] == ["Menu BOB"]


def test_export_needs_a_parent_login(client, world):
    response = client.get(reverse("portal:export"))
    assert response.status_code == 302 and response["Location"].startswith("/portail/?next=")
    assert not LogEntry.objects.filter(action="famille.data_exported").exists()


def test_an_agent_gets_no_family_export(agent_client, world):
    response = agent_client.get(reverse("portal:export"))
    assert response.status_code == 302 and response["Location"] == "/gestion/"
    assert not LogEntry.objects.filter(action="famille.data_exported").exists()


def test_the_zip_holds_the_familys_justificatifs_only(filled):
    from django.core.files.base import ContentFile

    mine = Demande.objects.get(famille=filled.famille)
    mine.document.save("certificat.pdf", ContentFile(b"%PDF-1.4 certificat"))
    theirs = Demande.objects.get(famille=filled.other_famille)
    theirs.document.save("autre.pdf", ContentFile(b"%PDF-1.4 autre"))
    with zipfile.ZipFile(io.BytesIO(family_export_zip(filled.famille, now=timezone.now()))) as z:
        documents = [n for n in z.namelist() if n.startswith("justificatifs/")]
        assert documents == [f"justificatifs/{mine.pk}-{mine.document.name.rsplit('/', 1)[-1]}"]
        assert z.read(documents[0]) == b"%PDF-1.4 certificat"


def test_csv_cells_never_run_as_spreadsheet_formulas(filled):
    Message.objects.create(famille=filled.famille, subject='=HYPERLINK("http://x")', body="-")
    with zipfile.ZipFile(io.BytesIO(family_export_zip(filled.famille, now=timezone.now()))) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("messages.csv").decode("utf-8-sig")), delimiter=";"))
        payload = json.loads(z.read("donnees.json"))
    assert rows[-1]["subject"] == '\'=HYPERLINK("http://x")'
    assert payload["messages"][-1]["subject"] == '=HYPERLINK("http://x")'  # the JSON keeps the data as is
