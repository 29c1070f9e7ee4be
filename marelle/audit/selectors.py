"""Reads of the audit trail."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from marelle.audit.models import LogEntry


def entries_about(objects: Iterable[models.Model], *, limit: int) -> list[LogEntry]:
    """The latest audit lines about any of `objects` (of any models), newest first, in one query."""
    by_model: dict[type[models.Model], list[str]] = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(str(obj.pk))
    if not by_model:
        return []
    types = ContentType.objects.get_for_models(*by_model)
    about = Q()
    for model, ids in by_model.items():
        about |= Q(content_type=types[model], object_id__in=ids)
    return list(LogEntry.objects.filter(about).select_related("actor", "content_type")[:limit])
