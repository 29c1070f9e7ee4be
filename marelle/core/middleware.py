"""Security middleware: idle sessions end, private pages are never cached, browser features off."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import patch_cache_control

REMEMBER_KEY = "marelle_remember"  # "Se souvenir de moi" was ticked at login
LAST_SEEN_KEY = "marelle_last_seen"  # epoch seconds of the last request, to the minute
_LAST_SEEN_RESOLUTION = 60  # write the session at most once a minute for this stamp

# Nothing in Marelle uses these; a page that is tricked into asking gets a refusal.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
)


def stamp_login(sender, request, user, **kwargs):
    """user_logged_in: the session starts active (saved with the login, no extra write later)."""
    if hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


class IdleSessionMiddleware:
    """Logs out a session left SESSION_IDLE_TIMEOUT seconds without a request, unless
    "Se souvenir de moi" was ticked (that one lasts SESSION_COOKIE_AGE, 14 days)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        timeout = settings.SESSION_IDLE_TIMEOUT
        if timeout and user is not None and user.is_authenticated and not request.session.get(REMEMBER_KEY):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > timeout:
                logout(request)
            elif not isinstance(last_seen, int) or now - last_seen >= _LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every page served to a logged-in user (a shared
    computer's back button or a proxy must not show a family's data), and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            patch_cache_control(response, private=True, no_store=True)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
