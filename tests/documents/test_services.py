"""Documents' writes: stored privately under random names, refused uploads leave nothing,
decisions are taken once, with a reason the family reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from marelle.audit.models import LogEntry
from marelle.documents.models import FamilyDocument, PublishedDocument
from marelle.documents.services import (
    family_document_decide,
    family_document_upload,
    published_document_create,
    published_document_withdraw,
)
from tests import factories as f
from tests.documents.conftest import EXE, HTML, media_files, pdf_bytes, png_bytes, stored_files, upload


def _upload(world, content, name="attestation.pdf", kind="assurance"):
    return family_document_upload(
        famille=world.famille,
        responsable=world.alice,
        kind=kind,
        upload=upload(content, name=name),
        actor=world.alice.user,
        now=timezone.now(),
    )


def test_an_upload_is_stored_outside_media_under_a_random_name(world):
    document = _upload(world, pdf_bytes(), name="attestation-ZTEST.pdf")
    [stored] = stored_files()
    assert stored.read_bytes().startswith(b"%PDF-")
    assert Path(settings.PRIVATE_MEDIA_ROOT) in stored.parents
    assert media_files() == []
    assert "ZTEST" not in document.file.name and "attestation" not in document.file.name
    assert len(stored.stem) >= 32 and stored.suffix == ".pdf"
    assert document.status == FamilyDocument.Status.PENDING
    assert document.original_name == "attestation-ZTEST.pdf"
    assert LogEntry.objects.filter(action="document_famille.uploaded", object_id=str(document.pk)).exists()


def test_a_private_document_has_no_public_url(world):
    document = _upload(world, png_bytes(), name="photo.png")
    assert document.extension == "png"
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018


@pytest.mark.parametrize(
    ("content", "name"),
    [(EXE, "certificat.pdf"), (HTML, "attestation.pdf"), (b"%PDF-1.4\n" + b"0" * 2000, "gros.pdf")],
    ids=["executable-renamed-pdf", "wrong-type", "oversized"],
)
def test_a_refused_upload_stores_nothing(world, settings, content, name):
    settings.DOCUMENT_MAX_BYTES = 1500
    with pytest.raises(ValidationError) as exc:
        _upload(world, content, name=name)
    assert "file" in exc.value.message_dict
    assert FamilyDocument.objects.count() == 0
    assert stored_files() == []
    assert not LogEntry.objects.filter(action="document_famille.uploaded").exists()


def test_a_failure_after_the_file_is_written_removes_it(world, monkeypatch):
    import marelle.documents.services as services

    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "log_action", boom)
    with pytest.raises(RuntimeError):
        _upload(world, pdf_bytes())
    assert FamilyDocument.objects.count() == 0
    assert stored_files() == []


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(ValidationError):
        _upload(world, pdf_bytes(), kind="passeport")
    assert stored_files() == []


def test_validate_then_a_second_decision_changes_nothing(world):
    document = _upload(world, pdf_bytes())
    now = timezone.now()
    decided = family_document_decide(document=document, validate=True, actor=world.agent.user, now=now)
    assert decided.status == FamilyDocument.Status.VALIDATED
    assert decided.decided_by == world.agent.user
    again = family_document_decide(
        document=document, validate=False, reason="illisible", actor=world.agent.user, now=now
    )
    assert again.status == FamilyDocument.Status.VALIDATED and again.refusal_reason == ""
    assert LogEntry.objects.filter(object_id=str(document.pk), action__startswith="document_famille.").count() == 2


def test_a_refusal_needs_a_reason_and_keeps_it(world):
    document = _upload(world, pdf_bytes())
    with pytest.raises(ValidationError) as exc:
        family_document_decide(
            document=document, validate=False, reason="  ", actor=world.agent.user, now=timezone.now()
        )
    assert "reason" in exc.value.message_dict
    document.refresh_from_db()
    assert document.status == FamilyDocument.Status.PENDING
    family_document_decide(
        document=document,
        validate=False,
        reason="Attestation de 2024, périmée",
        actor=world.agent.user,
        now=timezone.now(),
    )
    document.refresh_from_db()
    assert document.status == FamilyDocument.Status.REFUSED
    assert document.refusal_reason == "Attestation de 2024, périmée"
    entry = LogEntry.objects.get(action="document_famille.refused")
    assert entry.data["reason"] == "Attestation de 2024, périmée"


def _publish(world, **kw):
    args = {
        "commune": world.commune,
        "etablissement": None,
        "kind": "menu",
        "title": "Menus de décembre",
        "upload": upload(pdf_bytes()),
        "valid_from": dt.date(2026, 12, 1),
        "valid_until": dt.date(2026, 12, 31),
        "actor": world.agent.user,
        "now": timezone.now(),
    }
    args.update(kw)
    return published_document_create(**args)


def test_publish_and_withdraw(world, django_capture_on_commit_callbacks):
    document = _publish(world)
    assert document.extension == "pdf" and len(stored_files()) == 1
    assert LogEntry.objects.filter(action="document.published").exists()
    with django_capture_on_commit_callbacks(execute=True):
        published_document_withdraw(document=document, actor=world.agent.user)
    assert PublishedDocument.objects.count() == 0
    assert stored_files() == []
    assert LogEntry.objects.filter(action="document.withdrawn").exists()


def test_publish_refuses_another_communes_school_and_a_reversed_period(world):
    other_school = f.EtablissementFactory(commune=world.other_commune)
    with pytest.raises(ValidationError) as exc:
        _publish(world, etablissement=other_school, valid_until=dt.date(2026, 11, 1), upload=upload(EXE))
    assert set(exc.value.message_dict) == {"etablissement", "valid_until", "file"}
    assert PublishedDocument.objects.count() == 0
    assert stored_files() == []


def test_the_decision_lands_in_the_familys_inbox_and_outbox(world):
    from marelle.messaging.models import Message, OutboxEmail

    document = _upload(world, pdf_bytes())
    family_document_decide(
        document=document, validate=False, reason="Attestation illisible", actor=world.agent.user, now=timezone.now()
    )
    message = Message.objects.get(famille=world.famille)
    assert message.kind == "document" and message.subject == "Document refusé : Attestation d'assurance"
    assert "Motif : Attestation illisible" in message.body
    assert OutboxEmail.objects.filter(famille=world.famille, kind="document").exists() == bool(world.alice.email)
    assert not Message.objects.filter(famille=world.other_famille).exists()
