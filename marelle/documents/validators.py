"""The one check of every uploaded file (documents, absence justificatifs, attachments).

A file is recognised by its first bytes, never by its name or the browser's word: an
executable renamed `.pdf` is refused. Only PDF, JPEG and PNG are accepted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# The default limit; the setting DOCUMENT_MAX_BYTES (env DOCUMENT_MAX_MB) is the one read.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCUMENT_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def max_document_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_BYTES", MAX_DOCUMENT_BYTES)


def sniff_document_type(upload) -> str | None:
    """'pdf', 'png' or 'jpg' from the file's first bytes; None for anything else."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, extension in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            return extension
    return None


def validate_document(upload, *, max_bytes: int | None = None) -> str:
    """The file's real extension, or a ValidationError in French (too big, not PDF/JPEG/PNG)."""
    limit = max_document_bytes() if max_bytes is None else max_bytes
    if upload is None or not upload.size:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("Le fichier dépasse %(limit)s : envoyez un fichier plus léger.") % {"limit": filesizeformat(limit)},
            code="too_big",
        )
    extension = sniff_document_type(upload)
    if extension is None:
        raise ValidationError(
            _("Le fichier doit être un PDF, une image JPEG ou PNG. Ce fichier n'en est pas un."), code="type"
        )
    return extension
