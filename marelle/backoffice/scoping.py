"""Every agent query starts from the agent's communes: another commune's object is a 404.

Views never query raw ids: they call `scoped(...)` or `get_scoped_or_404(...)`.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from marelle.territory.models import Agent, Commune

M = TypeVar("M", bound=Model)


def agent_for(user) -> Agent | None:
    """The user's Agent profile, fetched once per request, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_marelle_agent"):
        user._marelle_agent = Agent.objects.filter(user=user).first()
    return user._marelle_agent


def agent_commune_ids(user) -> frozenset[int]:
    """The ids of the agent's communes (empty for anyone else), one query per request."""
    if not hasattr(user, "_marelle_commune_ids"):
        agent = agent_for(user)
        user._marelle_commune_ids = (
            frozenset(agent.communes.values_list("pk", flat=True)) if agent is not None else frozenset()
        )
    return user._marelle_commune_ids


def agent_communes(user) -> QuerySet[Commune]:
    return Commune.objects.filter(pk__in=agent_commune_ids(user))


def scoped(queryset: QuerySet[M], user, path_to_commune: str) -> QuerySet[M]:
    """`queryset` restricted to rows whose `path_to_commune` (e.g. "famille__commune") is one
    of the agent's communes."""
    return queryset.filter(**{f"{path_to_commune}__in": agent_commune_ids(user)})


def get_scoped_or_404(queryset: QuerySet[M], user, path_to_commune: str, **lookup) -> M:
    try:
        return scoped(queryset, user, path_to_commune).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
