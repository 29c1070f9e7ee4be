"""The parent's Infos/Documents page: published documents, the family's documents and their
status, the upload form; files served only to the family."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from marelle.documents.models import FamilyDocument
from marelle.documents.services import family_document_decide
from marelle.planning.models import Demande
from tests import factories as f
from tests.documents.conftest import EXE, HTML, pdf_bytes, png_bytes, stored_files, upload

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
INFOS = reverse("portal:infos")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def post_upload(client, content, name="attestation.pdf", kind="assurance"):
    return client.post(INFOS, {"kind": kind, "file": upload(content, name=name), "comment": ""})


def test_the_page_lists_valid_published_documents_and_links_them(alice_client, world, make_published):
    menu = make_published(title="Menus de décembre", valid_from=dt.date(2026, 12, 1), valid_until=dt.date(2026, 12, 31))
    make_published(title="Menus de novembre", valid_from=dt.date(2026, 11, 1), valid_until=dt.date(2026, 11, 30))
    html = alice_client.get(INFOS).content.decode()
    assert "Menus de décembre" in html and "Menus de novembre" not in html
    assert reverse("portal:document_publie", args=[menu.pk]) in html
    response = alice_client.get(reverse("portal:document_publie", args=[menu.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_expired_or_other_schools_published_document_is_a_404(alice_client, world, make_published):
    old = make_published(title="Menus de novembre", valid_from=dt.date(2026, 11, 1), valid_until=dt.date(2026, 11, 30))
    other_school = f.EtablissementFactory(commune=world.commune)
    elsewhere = make_published(etablissement=other_school, title="Menus du Bourg")
    other_commune = make_published(commune=world.other_commune, title="Têche")
    for document in (old, elsewhere, other_commune):
        assert alice_client.get(reverse("portal:document_publie", args=[document.pk])).status_code == 404


def test_a_parent_uploads_an_attestation_and_sees_it_pending(alice_client, world):
    response = post_upload(alice_client, pdf_bytes(), name="attestation 2026.pdf")
    assert response.status_code == 302 and response["Location"] == INFOS
    document = FamilyDocument.objects.get()
    assert document.famille == world.famille and document.responsable == world.alice
    assert document.kind == "assurance" and document.status == "pending"
    html = alice_client.get(INFOS).content.decode()
    assert "Attestation d&#x27;assurance" in html and "en attente de vérification" in html
    response = alice_client.get(reverse("portal:document_famille", args=[document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="attestation-dassurance.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (EXE, "certificat.pdf", "PDF, une image JPEG ou PNG"),
        (HTML, "page.html", "PDF, une image JPEG ou PNG"),
        (b"%PDF-1.4\n" + b"0" * 3000, "gros.pdf", "dépasse"),
    ],
    ids=["executable-renamed-pdf", "wrong-type", "oversized"],
)
def test_a_refused_upload_answers_400_with_the_reason_and_stores_nothing(
    alice_client, world, settings, content, name, message
):
    settings.DOCUMENT_MAX_BYTES = 2000
    response = post_upload(alice_client, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert FamilyDocument.objects.count() == 0
    assert stored_files() == []


def test_a_missing_file_or_unknown_kind_is_a_400(alice_client, world):
    assert alice_client.post(INFOS, {"kind": "assurance"}).status_code == 400
    assert post_upload(alice_client, png_bytes(), name="x.png", kind="passeport").status_code == 400
    assert FamilyDocument.objects.count() == 0 and stored_files() == []


def test_the_refusal_reason_is_shown_to_the_parent(alice_client, world, make_family_document):
    document = make_family_document()
    family_document_decide(
        document=document,
        validate=False,
        reason="Attestation périmée (2024)",
        actor=world.agent.user,
        now=timezone.now(),
    )
    html = alice_client.get(INFOS).content.decode()
    assert "refusé" in html and "Attestation périmée (2024)" in html


def test_another_familys_document_is_a_404(alice_client, world, make_family_document):
    bobs = make_family_document(famille=world.other_famille, responsable=world.bob)
    assert alice_client.get(reverse("portal:document_famille", args=[bobs.pk])).status_code == 404
    assert (
        "Attestation"
        not in alice_client.get(INFOS)
        .content.decode()
        .split("Documents de ma famille")[1]
        .split("Envoyer un document")[0]
    )


def test_an_absences_justificatif_is_listed_and_served_to_its_family_only(alice_client, world, settings):
    demande = Demande.objects.create(
        famille=world.famille, enfant=world.enfant, kind=Demande.Kind.ABSENCE, created_at=timezone.now()
    )
    demande.document.save("justificatif-0a1b2c.pdf", ContentFile(pdf_bytes("certificat")))
    bobs = Demande.objects.create(
        famille=world.other_famille, enfant=world.other_enfant, kind=Demande.Kind.ABSENCE, created_at=timezone.now()
    )
    bobs.document.save("justificatif-ffffff.pdf", ContentFile(pdf_bytes("bob")))
    html = alice_client.get(INFOS).content.decode()
    url = reverse("portal:document_justificatif", args=[demande.pk])
    assert url in html and "joint à la demande d&#x27;absence" in html
    response = alice_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert alice_client.get(reverse("portal:document_justificatif", args=[bobs.pk])).status_code == 404


def test_an_agent_is_sent_to_the_back_office(agent_client, world, make_family_document):
    document = make_family_document()
    assert agent_client.get(INFOS).status_code == 302
    assert agent_client.get(reverse("portal:document_famille", args=[document.pk])).status_code == 302


def test_the_upload_form_says_the_size_limit_in_mo(alice_client, settings):
    settings.DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
    html = alice_client.get(reverse("portal:infos")).content.decode()
    assert "PDF, JPEG ou PNG, 5 Mo au plus." in html and "Mio" not in html
