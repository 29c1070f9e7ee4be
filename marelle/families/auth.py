"""Log in with an identifiant that is either a responsable's email or the numéro famille."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet


def users_for_identifiant(identifiant: str) -> QuerySet:
    """Users an identifiant may designate: by email, else every responsable of a numéro famille."""
    User = get_user_model()
    identifiant = (identifiant or "").strip()
    if "@" in identifiant:
        return User.objects.filter(email__iexact=identifiant)
    numero = identifiant.replace(" ", "")
    if numero.isdigit():
        # Separated parents share the numéro famille: each has their own password.
        return User.objects.filter(responsable__famille__numero=numero)
    return User.objects.none()


class IdentifiantBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        candidates = list(users_for_identifiant(username).order_by("pk"))
        if not candidates:
            # Hash anyway, so that the response time does not tell whether the account exists.
            get_user_model()().set_password(password)
            return None
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None
