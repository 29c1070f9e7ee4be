"""Sending an attachment the caller has already scoped (portal: the family; back office:
the agent's communes)."""

from __future__ import annotations

from django.http import FileResponse, Http404

from marelle.messaging.models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
