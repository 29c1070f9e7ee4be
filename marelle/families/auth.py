"""Log in with an identifiant that is either a responsable's email or the numéro famille.

Three rules keep the login from telling more than "yes" or "no":
- one canonical spelling per identifiant (`canonical_identifiant`), so that django-axes counts
  `JULIEN.MARTIN@EXAMPLE.ORG `, `julien.martin@example.org` and `3816 0000 0102` variants as one;
- exactly one password hash per attempt, whatever the identifiant designates (no account, one,
  or a numéro famille shared by separated parents), so that response times are all alike;
- a per-address limit besides the per-identifiant one (`LockoutHandler`), high enough for a
  town hall's shared connection.
"""

from __future__ import annotations

import re

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.db.models import QuerySet, Sum
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

_NUMERO_SEPARATORS = re.compile(r"[\s.\-]+")


def canonical_identifiant(identifiant: str | None) -> str:
    """'  Julien.Martin@Example.ORG ' → 'julien.martin@example.org'; '3816 0000 0102' → '381600000102'."""
    value = (identifiant or "").strip()
    if "@" in value:
        return value.casefold()
    digits = _NUMERO_SEPARATORS.sub("", value)
    if digits.isascii() and digits.isdigit():
        return digits
    return value.casefold()


def users_for_identifiant(identifiant: str) -> QuerySet:
    """Users an identifiant may designate: by email, else every responsable of a numéro famille."""
    User = get_user_model()
    identifiant = canonical_identifiant(identifiant)
    if not identifiant:
        return User.objects.none()
    # The identifiant is already lower case: comparing it with lower(column) uses the expression
    # indexes of families/migrations/0005 (`email__iexact` would scan auth_user on every login).
    if "@" in identifiant:
        return User.objects.filter(Exact(Lower("email"), identifiant))
    if identifiant.isdigit():
        # Separated parents share the numéro famille: each has their own password.
        return User.objects.filter(responsable__famille__numero=identifiant)
    # Accounts made with `createsuperuser` may have a plain username.
    return User.objects.filter(Exact(Lower("username"), identifiant))


class IdentifiantBackend(ModelBackend):
    """The only password-checking backend (settings.AUTHENTICATION_BACKENDS): Django's
    ModelBackend behind it would hash a wrong password a second time.

    An identifiant designating several accounts (a numéro famille shared by separated
    parents) logs in none of them: checking each would cost one hash per parent and the
    response time would tell how many there are. Those parents log in with their email."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        candidates = list(users_for_identifiant(username).order_by("pk")[:2])
        if len(candidates) != 1:
            make_password(password)  # the same work as checking a real password
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials: dict | None) -> str:
    """AXES_USERNAME_CALLABLE: django-axes counts failures per canonical identifiant."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = credentials.get(field) if credentials else getattr(request, "POST", {}).get(field)
    return canonical_identifiant(value)


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address. Behind TRUSTED_PROXY_COUNT reverse
    proxies it is the one the outermost of them saw (X-Forwarded-For, counted from the right:
    anything further left was written by the client and proves nothing)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus a lock per address after AXES_IP_FAILURE_LIMIT
    failures over any identifiants within the cool-off time."""

    def ip_failures(self, request) -> int:
        ip = getattr(request, "axes_ip_address", None)
        if not ip:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=ip)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0

    def ip_locked(self, request) -> bool:
        return settings.AXES_IP_FAILURE_LIMIT > 0 and self.ip_failures(request) >= settings.AXES_IP_FAILURE_LIMIT

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self.ip_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not request.axes_locked_out and self.ip_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
