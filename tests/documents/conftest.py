"""Real little files (PDF, PNG, JPEG) and impostors, and helpers to look at what was stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marelle.documents.services import family_document_upload, published_document_create


def pdf_bytes(text: str = "Attestation") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=text)
    return bytes(pdf.output())


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "JPEG")
    return buffer.getvalue()


# A Windows executable's header ("MZ", the DOS stub), whatever its name says.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode." * 10
HTML = b"<html><script>alert(1)</script></html>"


def upload(content: bytes, name: str = "attestation.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def make_family_document(world):
    def make(famille=None, responsable=None, kind="assurance", content=None):
        famille = famille or world.famille
        responsable = responsable or famille.responsables.first()
        return family_document_upload(
            famille=famille,
            responsable=responsable,
            kind=kind,
            upload=upload(content or pdf_bytes()),
            actor=responsable.user,
            now=timezone.now(),
        )

    return make


@pytest.fixture
def make_published(world):
    def make(
        commune=None, etablissement=None, title="Menu de décembre", kind="menu", valid_from=None, valid_until=None
    ):
        import datetime as dt

        return published_document_create(
            commune=commune or world.commune,
            etablissement=etablissement,
            kind=kind,
            title=title,
            upload=upload(pdf_bytes(title)),
            valid_from=valid_from or dt.date(2026, 9, 1),
            valid_until=valid_until,
            actor=world.agent.user,
            now=timezone.now(),
        )

    return make
