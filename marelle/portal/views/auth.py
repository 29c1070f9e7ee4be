"""Connexion, déconnexion, mots de passe, and the page shown when an identifiant is locked."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy

from marelle.core.middleware import REMEMBER_KEY
from marelle.core.redirects import safe_next
from marelle.portal.access import home_url_for
from marelle.portal.forms import IdentifiantPasswordResetForm, LoginForm
from marelle.portal.views.language import remember_language
from marelle.territory.models import Commune


class LoginView(auth_views.LoginView):
    """/portail/ for everyone, /c/<slug>/ in a commune's colours; both log in the same way."""

    form_class = LoginForm
    template_name = "registration/login.html"

    def dispatch(self, request, *args, **kwargs):
        slug = kwargs.get("slug")
        self.commune = get_object_or_404(Commune, slug=slug, status=Commune.Status.OPEN) if slug else None
        if request.user.is_authenticated and request.method == "GET":
            return redirect(home_url_for(request.user))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("remember"):
            self.request.session[REMEMBER_KEY] = True  # kept SESSION_COOKIE_AGE, no idle timeout
        else:
            self.request.session.set_expiry(0)  # ends with the browser (and after SESSION_IDLE_TIMEOUT)
        remember_language(self.request, response)
        return response

    def get_success_url(self) -> str:
        url = self.get_redirect_url()
        return url or home_url_for(self.request.user)

    def get_redirect_url(self) -> str:
        return safe_next(self.request, "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commune"] = self.commune
        if self.commune:
            context["accent"] = self.commune.colour
        return context


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this when an identifiant has failed too often (AXES_LOCKOUT_CALLABLE)."""
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else None
    return render(request, "portal/lockout.html", {"minutes": minutes}, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = IdentifiantPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("portal:password_change_done")
