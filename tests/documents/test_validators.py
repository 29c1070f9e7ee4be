"""One content check for every upload: PDF, JPEG and PNG by their first bytes, within a size."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from marelle.documents.validators import sniff_document_type, validate_document
from tests.documents.conftest import EXE, HTML, jpeg_bytes, pdf_bytes, png_bytes, upload


@pytest.mark.parametrize(
    ("content", "expected"), [(pdf_bytes, "pdf"), (png_bytes, "png"), (jpeg_bytes, "jpg")], ids=["pdf", "png", "jpeg"]
)
def test_real_files_are_recognised_by_content_whatever_their_name(content, expected):
    assert validate_document(upload(content(), name="scan.txt", content_type="text/plain")) == expected


@pytest.mark.parametrize("content", [EXE, HTML, b"GIF89a" + b"\x00" * 20, b"%PD"], ids=["exe", "html", "gif", "short"])
def test_anything_else_is_refused_even_named_pdf(content):
    with pytest.raises(ValidationError) as exc:
        validate_document(upload(content, name="certificat.pdf", content_type="application/pdf"))
    assert exc.value.code == "type"
    assert "PDF, une image JPEG ou PNG" in exc.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_document(upload(b"", name="vide.pdf"))
    assert exc.value.code == "empty"


def test_size_limit_comes_from_the_setting(settings):
    settings.DOCUMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        validate_document(upload(b"%PDF-1.4\n" + b"0" * 1000))
    assert exc.value.code == "too_big"
    assert "1000" in exc.value.messages[0] or "Ko" in exc.value.messages[0]
    assert validate_document(upload(b"%PDF-1.4\n" + b"0" * 900)) == "pdf"


def test_sniffing_leaves_the_file_readable_from_the_start():
    f = upload(pdf_bytes())
    f.read(3)
    assert sniff_document_type(f) == "pdf"
    assert f.read(5) == b"%PDF-"


def test_the_planning_absence_form_uses_the_same_check():
    from marelle.documents import validators
    from marelle.portal.planning import forms as forms_planning

    assert forms_planning.sniff_document_type is validators.sniff_document_type
    assert forms_planning.DOCUMENT_SIGNATURES is validators.DOCUMENT_SIGNATURES
