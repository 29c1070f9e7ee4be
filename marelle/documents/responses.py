"""Sending a stored document to someone the calling view has already authorised."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.http import FileResponse, Http404
from django.utils.text import slugify

from marelle.documents.validators import CONTENT_TYPES

SUFFIXES = {".pdf": "pdf", ".png": "png", ".jpg": "jpg", ".jpeg": "jpg"}


def document_response(field_file, *, title: str, extension: str | None = None) -> FileResponse:
    """The file inline, under a readable name, never cached by a shared cache.

    `extension` is the one the upload check found; older files (absences' justificatifs)
    are named by that check too, so their suffix is trusted."""
    if not field_file:
        raise Http404
    if extension is None:
        extension = SUFFIXES.get(PurePosixPath(field_file.name).suffix.lower())
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = CONTENT_TYPES.get(extension or "", "application/octet-stream")
    filename = f"{slugify(title) or 'document'}.{extension or 'bin'}"
    response = FileResponse(handle, content_type=content_type, as_attachment=extension is None, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
