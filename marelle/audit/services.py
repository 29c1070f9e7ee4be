from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from marelle.audit.models import LogEntry


def log_action(*, obj: models.Model, action: str, actor: Any = None, data: dict[str, Any] | None = None) -> LogEntry:
    """Write one audit line about `obj` (before/after values go in `data`)."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data=data or {},
    )
