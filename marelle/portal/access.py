"""Who lands where, and the guard on parent pages."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from marelle.families.selectors import responsable_for

BACKOFFICE_URL = "/gestion/"


def is_responsable(user) -> bool:
    if not user.is_authenticated:
        return False
    try:
        responsable_for(user)  # cached on the user: the view's own lookup costs no second query
    except Http404:
        return False
    return True


def home_url_for(user) -> str:
    """Parents go to their Accueil, agents to the back office, other staff to the admin."""
    if is_responsable(user):
        return reverse("portal:accueil")
    if hasattr(user, "agent"):
        return BACKOFFICE_URL
    if user.is_staff:
        return reverse("admin:index")
    return reverse("portal:login")


class ResponsableRequiredMixin(LoginRequiredMixin):
    """Parent pages: anonymous users log in, agents are sent to the back office."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_responsable(request.user):
            if hasattr(request.user, "agent") or request.user.is_staff:
                return redirect(home_url_for(request.user))
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
