"""Separated parents on Infos/Documents: each sees and downloads the documents they sent
(a QF justificatif holds one's income), not the other's; with shared access, both see all."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from marelle.documents.models import FamilyDocument
from marelle.planning.models import Demande
from tests.documents.conftest import pdf_bytes, upload

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
INFOS = reverse("portal:infos")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def sophie_sends(client, family) -> tuple[FamilyDocument, Demande]:
    client.force_login(family.sophie.user)
    client.post(INFOS, {"kind": "quotient", "file": upload(pdf_bytes("revenus")), "comment": ""})
    absence = Demande.objects.create(
        famille=family.famille,
        enfant=family.lea,
        kind=Demande.Kind.ABSENCE,
        created_by=family.sophie.user,
        created_at=timezone.now(),
    )
    absence.document.save("justificatif-0a1b2c.pdf", ContentFile(pdf_bytes("certificat")))
    return FamilyDocument.objects.get(responsable=family.sophie), absence


def test_julien_neither_sees_nor_downloads_what_sophie_sent(client, separated):
    document, absence = sophie_sends(client, separated)
    assert reverse("portal:document_famille", args=[document.pk]) in client.get(INFOS).content.decode()
    client.force_login(separated.julien.user)
    html = client.get(INFOS).content.decode()
    assert reverse("portal:document_famille", args=[document.pk]) not in html
    assert reverse("portal:document_justificatif", args=[absence.pk]) not in html
    assert client.get(reverse("portal:document_famille", args=[document.pk])).status_code == 404
    assert client.get(reverse("portal:document_justificatif", args=[absence.pk])).status_code == 404


def test_with_shared_access_both_see_the_family_s_documents(client, shared):
    document, absence = sophie_sends(client, shared)
    client.force_login(shared.julien.user)
    assert client.get(reverse("portal:document_famille", args=[document.pk])).status_code == 200
    assert client.get(reverse("portal:document_justificatif", args=[absence.pk])).status_code == 200
