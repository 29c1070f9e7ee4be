"""What each responsable of a family may see and do, when parents are separated.

A family's `shared_access` (on by default, turned off by an agent for separated parents)
decides. With it, every responsable acts on everything, as one household. Without it, each
responsable acts only on the services whose inscription they pay, sees the other's rows
read-only, sees only their own invoices, payments and contact details, and exports only
their own data and their children's. A family with one responsable is never affected: they
pay every inscription.

Pure rules, no query: callers pass objects loaded with what is read here (a responsable with
its famille, an inscription with its responsable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from marelle.families.models import Famille, Responsable
from marelle.families.selectors import responsable_for

if TYPE_CHECKING:  # planning uses families, never the reverse: duck-typed at run time
    from marelle.planning.models import Inscription


def kept_apart(famille: Famille) -> bool:
    """Whether the family's responsables are kept apart (separated parents)."""
    return not famille.shared_access


def responsable_may_act(responsable: Responsable, inscription: Inscription) -> bool:
    """Whether `responsable` may book, cancel or declare an absence on the days of
    `inscription` (loaded with its responsable): always on what they pay; on the other
    responsable's inscriptions only when the family shares access."""
    if inscription.responsable_id == responsable.pk:
        return True
    if inscription.responsable.famille_id != responsable.famille_id:
        return False
    return not kept_apart(responsable.famille)


def contact_visible(viewer: Responsable, other: Responsable) -> bool:
    """Whether `viewer` sees `other`'s email and phone (their own, or a household's)."""
    return viewer.pk == other.pk or (other.famille_id == viewer.famille_id and not kept_apart(viewer.famille))


def records_scope(responsable: Responsable | None) -> Responsable | None:
    """The responsable whose own records (documents, export) a parent's read is limited to:
    the one who asks, when the family keeps its responsables apart; None (the whole family)
    otherwise, or when an agent reads."""
    if responsable is not None and kept_apart(responsable.famille):
        return responsable
    return None


def acting_responsable(user) -> Responsable | None:
    """The responsable behind `user` (cached on the user for the request), None for an
    agent, a command or nobody: the planning's services apply the rules above to parents."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return responsable_for(user)
    except Http404:
        return None
