"""Reads of a commune's calendar."""

from __future__ import annotations

from django.db.models import QuerySet

from marelle.territory.models import Closure, Commune


def commune_closures(commune: Commune) -> QuerySet[Closure]:
    """The commune's closures in date order, with what the calendar page shows of each."""
    return (
        Closure.objects.filter(commune=commune)
        .select_related("day_type", "etablissement")
        .prefetch_related("services")
        .order_by("start_date")
    )
