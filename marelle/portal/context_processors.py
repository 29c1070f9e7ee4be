from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from marelle.families.selectors import responsable_for

DEFAULT_ACCENT = "#1f5f8b"
ACCESSIBILITY_LABELS = {
    "non": _("non conforme"),
    "partiellement": _("partiellement conforme"),
    "totalement": _("totalement conforme"),
}


def portal(request) -> dict:
    """The logged-in family's commune and its colour for the layout, computed only if used."""

    @cache
    def commune():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        try:
            return responsable_for(user).famille.commune
        except Http404:  # agents and administrators have no family
            return None

    return {
        "portal_commune": SimpleLazyObject(commune),
        "accent": SimpleLazyObject(lambda: commune().colour if commune() else DEFAULT_ACCENT),
        # RGAA asks for the conformity status in every page's footer.
        "accessibility_status": ACCESSIBILITY_LABELS[settings.ACCESSIBILITY_STATUS],
    }
