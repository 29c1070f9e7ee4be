"""Separated parents on Accueil, Mon compte, the Relevé and the RGPD export: each sees only
their own invoices, payments and contact details, and exports only their own data and their
children's. With shared access the household sees each other's contact details and exports all."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from marelle.documents.models import FamilyDocument
from marelle.messaging.models import Message
from marelle.planning.models import Demande
from marelle.privacy.export import tables
from tests.billing.factories import FactureFactory, PaymentFactory


def fill_accounts(family) -> None:
    """An invoice and a payment for each parent, a notice to Sophie alone, a question she
    asked the commune, a demande of hers with a comment, and a message to the whole family."""
    for responsable, tag in [(family.julien, "JULIEN"), (family.sophie, "SOPHIE")]:
        facture = FactureFactory(
            famille=family.famille, responsable=responsable, number=f"F-{tag}", total=Decimal("30.00")
        )
        PaymentFactory(famille=family.famille, facture=facture, responsable=responsable, amount=Decimal("7.00"))
    Message.objects.create(
        famille=family.famille, responsable=family.sophie, subject="Votre facture F-SOPHIE", body="."
    )
    question = Message.objects.create(
        famille=family.famille, subject="Question de Sophie", body="Garde alternée", from_commune=False
    )
    question.sender = family.sophie.user
    question.save()
    Message.objects.create(famille=family.famille, thread=question, subject="Re: Question de Sophie", body="Réponse")
    Message.objects.create(famille=family.famille, subject="Menu de décembre", body="Bonjour")
    Demande.objects.create(
        famille=family.famille,
        enfant=family.lea,
        kind=Demande.Kind.ABSENCE,
        reason="medical",
        comment="Commentaire de Sophie",
        created_by=family.sophie.user,
        created_at=timezone.now(),
    )
    Demande.objects.create(
        famille=family.famille,
        enfant=family.lea,
        kind=Demande.Kind.RESERVATION,
        comment="Commentaire de Julien",
        created_by=family.julien.user,
        created_at=timezone.now(),
    )
    FamilyDocument.objects.create(
        famille=family.famille,
        responsable=family.sophie,
        kind=FamilyDocument.Kind.AUTRE,
        file="x.pdf",
        extension="pdf",
        size=1,
        original_name="sophie.pdf",
        uploaded_at=timezone.now(),
    )


def export_of(client, responsable) -> dict:
    client.force_login(responsable.user)
    response = client.get(reverse("portal:export"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return json.loads(archive.read("donnees.json"))


def test_mon_compte_hides_the_other_parents_email_and_phone(client, separated):
    client.force_login(separated.julien.user)
    html = client.get(reverse("portal:compte")).content.decode()
    assert "Monsieur MARTIN Julien" in html and "Madame BERNARD Sophie" in html  # both named…
    assert "julien.martin@example.org" in html and "06 00 00 00 02" in html
    assert "sophie.bernard@example.org" not in html and "06 00 00 00 03" not in html  # …her contact hidden


def test_with_shared_access_mon_compte_shows_both_contacts(client, shared):
    client.force_login(shared.julien.user)
    html = client.get(reverse("portal:compte")).content.decode()
    assert "sophie.bernard@example.org" in html and "06 00 00 00 03" in html


def test_accueil_and_releve_show_only_the_parents_own_invoices_and_notices(client, separated):
    fill_accounts(separated)
    client.force_login(separated.julien.user)
    accueil = client.get(reverse("portal:accueil")).content.decode()
    assert "F-JULIEN" in accueil and "F-SOPHIE" not in accueil
    releve = client.get(reverse("portal:releve")).content.decode()
    assert "F-JULIEN" in releve and "F-SOPHIE" not in releve
    sophie_s = separated.famille.factures.get(number="F-SOPHIE")
    assert client.get(reverse("portal:facture_pdf", args=[sophie_s.pk])).status_code == 404
    # The unread count of Accueil counts the family's notices and his own, not hers.
    unread = Message.objects.filter(famille=separated.famille, from_commune=True, responsable__isnull=True).count()
    response = client.get(reverse("portal:accueil"))
    assert response.context["unread"] == unread


def test_the_export_holds_only_the_parents_own_data_and_their_children_s(client, separated):
    fill_accounts(separated)
    data = export_of(client, separated.julien)
    text = json.dumps(data, ensure_ascii=False)
    assert [r["prenom"] for r in data["responsables"]] == ["Julien"]
    for hers in ["sophie.bernard@example.org", "06 00 00 00 03", "F-SOPHIE", "Votre facture F-SOPHIE"]:
        assert hers not in text, hers
    for hers in ["Question de Sophie", "Commentaire de Sophie", "sophie.pdf"]:
        assert hers not in text, hers
    assert [f["number"] for f in data["factures"]] == ["F-JULIEN"]
    assert [p["facture_number"] for p in data["paiements"]] == ["F-JULIEN"]
    assert [m["subject"] for m in data["messages"]] == ["Menu de décembre"]
    assert [d["comment"] for d in data["demandes"]] == ["Commentaire de Julien"]
    # Léa is his child: her card and both her enrolments, whoever pays them.
    assert [e["prenom"] for e in data["enfants"]] == ["Léa"]
    assert {i["service_name"] for i in data["inscriptions"]} == {"RESTAURATION", "GARDERIE SOIR"}


def test_with_shared_access_the_export_holds_the_whole_family(client, shared):
    fill_accounts(shared)
    data = export_of(client, shared.julien)
    assert {r["prenom"] for r in data["responsables"]} == {"Julien", "Sophie"}
    assert {f["number"] for f in data["factures"]} == {"F-JULIEN", "F-SOPHIE"}
    assert len(data["demandes"]) == 2


@pytest.mark.parametrize("family", ["separated", "shared"])
def test_the_export_reads_a_constant_number_of_queries(db, client, request, family, django_assert_max_num_queries):
    family = request.getfixturevalue(family)
    fill_accounts(family)
    client.force_login(family.julien.user)
    # session, user, responsable, the famille row, one per table (the scoping is in each
    # table's query), the audit line and its content type.
    with django_assert_max_num_queries(6 + len(tables(family.famille))):
        assert client.get(reverse("portal:export")).status_code == 200


def test_a_family_with_one_responsable_exports_as_before(client, world):
    world.famille.shared_access = False  # nobody to keep apart: the same export
    world.famille.save()
    FactureFactory(famille=world.famille, responsable=world.alice, number="F-ALICE", issued_on=dt.date(2026, 10, 5))
    data = export_of(client, world.alice)
    assert [f["number"] for f in data["factures"]] == ["F-ALICE"]
    assert [r["prenom"] for r in data["responsables"]] == [world.alice.prenom]
