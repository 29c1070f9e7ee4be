"""The agent's documents pages: publish, validate or refuse with a reason, scoped to the
agent's communes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from marelle.audit.models import LogEntry
from marelle.documents.models import FamilyDocument, PublishedDocument
from tests import factories as f
from tests.documents.conftest import EXE, pdf_bytes, stored_files, upload

INDEX = reverse("backoffice:documents")


def test_pending_documents_come_first_and_other_communes_are_not_listed(agent_client, world, make_family_document):
    decided = make_family_document(kind="quotient")
    agent_client.post(reverse("backoffice:document_decide", args=[decided.pk]), {"decision": "validate"})
    pending = make_family_document(kind="assurance")
    make_family_document(famille=world.other_famille, responsable=world.bob, kind="certificat")
    response = agent_client.get(INDEX)
    assert [d.pk for d in response.context["documents"]] == [pending.pk, decided.pk]
    assert response.context["pending"] == 1
    assert "Certificat médical" not in response.content.decode()


def test_the_agent_opens_and_validates_a_document(agent_client, world, make_family_document):
    document = make_family_document()
    file_response = agent_client.get(reverse("backoffice:document_family_file", args=[document.pk]))
    assert file_response.status_code == 200 and file_response["Content-Type"] == "application/pdf"
    page = agent_client.get(reverse("backoffice:document_decide", args=[document.pk]))
    assert page.status_code == 200 and "Valider" in page.content.decode()
    response = agent_client.post(reverse("backoffice:document_decide", args=[document.pk]), {"decision": "validate"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == FamilyDocument.Status.VALIDATED and document.decided_by == world.agent.user


def test_a_refusal_without_reason_is_a_400_and_changes_nothing(agent_client, world, make_family_document):
    document = make_family_document()
    url = reverse("backoffice:document_decide", args=[document.pk])
    response = agent_client.post(url, {"decision": "refuse", "reason": " "})
    assert response.status_code == 400
    assert "motif du refus" in response.content.decode()
    document.refresh_from_db()
    assert document.status == FamilyDocument.Status.PENDING
    assert agent_client.post(url, {"decision": "peut-être"}).status_code == 400


def test_a_refusal_with_reason_is_what_the_parent_reads(agent_client, client, world, make_family_document):
    document = make_family_document()
    agent_client.post(
        reverse("backoffice:document_decide", args=[document.pk]),
        {"decision": "refuse", "reason": "Le nom de l'enfant manque"},
    )
    document.refresh_from_db()
    assert document.status == FamilyDocument.Status.REFUSED
    client.force_login(world.alice.user)
    assert "Le nom de l&#x27;enfant manque" in client.get(reverse("portal:infos")).content.decode()


def _publish_data(world, **kw):
    data = {
        "title": "Règlement intérieur 2026-2027",
        "kind": "reglement",
        "commune": world.commune.pk,
        "etablissement": "",
        "valid_from": "2026-09-01",
        "valid_until": "",
        "file": upload(pdf_bytes()),
    }
    data.update(kw)
    return data


def test_the_agent_publishes_for_the_commune(agent_client, world):
    assert agent_client.get(reverse("backoffice:document_publish")).status_code == 200
    response = agent_client.post(reverse("backoffice:document_publish"), _publish_data(world))
    assert response.status_code == 302
    document = PublishedDocument.objects.get()
    assert document.commune == world.commune and document.etablissement is None
    assert document.valid_from == dt.date(2026, 9, 1) and document.valid_until is None
    assert document.published_by == world.agent.user
    assert LogEntry.objects.filter(action="document.published").count() == 1


def test_publishing_for_another_commune_or_its_school_or_an_executable_is_refused(agent_client, world):
    other_school = f.EtablissementFactory(commune=world.other_commune)
    for data in (
        _publish_data(world, commune=world.other_commune.pk),
        _publish_data(world, etablissement=other_school.pk),
        _publish_data(world, file=upload(EXE, name="menu.pdf")),
        _publish_data(world, valid_until="2026-08-01"),
    ):
        assert agent_client.post(reverse("backoffice:document_publish"), data).status_code == 400
    assert PublishedDocument.objects.count() == 0
    assert stored_files() == []


def test_withdrawing_asks_first_then_removes_the_document(
    agent_client, world, make_published, django_capture_on_commit_callbacks
):
    document = make_published()
    url = reverse("backoffice:document_withdraw", args=[document.pk])
    assert agent_client.get(url).status_code == 200
    assert PublishedDocument.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert agent_client.post(url).status_code == 302
    assert PublishedDocument.objects.count() == 0 and stored_files() == []


@pytest.mark.parametrize("name", ["document_family_file", "document_decide"])
def test_another_communes_family_document_is_a_404(agent_client, world, make_family_document, name):
    bobs = make_family_document(famille=world.other_famille, responsable=world.bob)
    url = reverse(f"backoffice:{name}", args=[bobs.pk])
    assert agent_client.get(url).status_code == 404
    assert agent_client.post(url, {"decision": "refuse", "reason": "x"}).status_code == 404
    bobs.refresh_from_db()
    assert bobs.status == FamilyDocument.Status.PENDING
