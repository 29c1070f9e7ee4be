"""Every parent-side query starts here, from the logged-in user's own family.

Views never look up a famille or an enfant by a raw id: another family's id gives 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from marelle.families.models import Enfant, Famille, Responsable


def responsable_for(user) -> Responsable:
    """The user's responsable with family and commune, fetched once per request."""
    cached = getattr(user, "_marelle_responsable", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        raise Http404
    try:
        responsable = Responsable.objects.select_related("famille__commune").get(user=user)
    except Responsable.DoesNotExist:
        raise Http404 from None
    user._marelle_responsable = responsable
    return responsable


def famille_for(user) -> Famille:
    return responsable_for(user).famille


def enfants_for(user) -> QuerySet[Enfant]:
    """The family's children still attending (left ones drop out of the portal)."""
    return (
        Enfant.objects.filter(famille=famille_for(user), left_on__isnull=True)
        .select_related("etablissement")
        .order_by("prenom", "nom")
    )


def enfant_for(user, pk: int) -> Enfant:
    """One of the user's children, or Http404 — also for another family's child."""
    try:
        return Enfant.objects.select_related("famille__commune", "etablissement__commune").get(
            pk=pk, famille=famille_for(user)
        )
    except Enfant.DoesNotExist:
        raise Http404 from None


def famille_search(scope: QuerySet[Famille], query: str) -> QuerySet[Famille]:
    """Families of `scope` whose number, or a responsable's or child's name, contains
    `query`, with what the result list shows, in a stable order (numéro, then id) for
    paging; nothing for an empty query."""
    query = query.strip()
    if not query:
        return scope.none()
    matching = (
        Q(numero__icontains=query)
        | Q(responsables__nom__icontains=query)
        | Q(responsables__prenom__icontains=query)
        | Q(enfants__nom__icontains=query)
        | Q(enfants__prenom__icontains=query)
    )
    familles = scope.filter(pk__in=Famille.objects.filter(matching).values("pk"))
    return familles.select_related("commune").prefetch_related("responsables", "enfants").order_by("numero", "pk")
