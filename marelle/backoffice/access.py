"""The guard on every back-office view: agents only, second factor when required,
animateurs only on the pointage."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from marelle.backoffice.scoping import agent_for


def otp_pending(request) -> bool:
    agent = agent_for(request.user)
    return bool(agent and agent.require_otp and not request.user.is_verified())


def agent_view(view=None, *, animateur: bool = False, otp: bool = True):
    """Anonymous → login; a parent or any non-agent → 404 (no back-office page exists for
    them); an agent whose second factor is required but not verified → the OTP pages;
    an animateur → only views marked `animateur=True`."""

    def decorate(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            agent = agent_for(request.user)
            if agent is None:
                raise Http404
            if otp and otp_pending(request):
                return redirect("backoffice:otp_verify")
            if agent.is_animateur and not animateur:
                if request.resolver_match and request.resolver_match.url_name == "dashboard":
                    return redirect("backoffice:pointage")
                raise PermissionDenied
            request.agent = agent
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
