"""Log in with an identifiant that is either a responsable's email or the numéro famille."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class IdentifiantBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        identifiant = username.strip()
        User = get_user_model()
        candidates = list(User.objects.filter(email__iexact=identifiant)) if "@" in identifiant else []
        if not candidates and identifiant.isdigit():
            # Separated parents share the numéro famille: each has their own password.
            candidates = list(User.objects.filter(responsable__famille__numero=identifiant))
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None
