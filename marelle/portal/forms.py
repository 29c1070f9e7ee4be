from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from marelle.families.auth import users_for_identifiant


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Identifiant"),
        max_length=254,
        help_text=_("Votre adresse électronique ou votre numéro famille."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Identifiant ou mot de passe incorrect."),
        "inactive": _("Ce compte est désactivé. Contactez votre mairie."),
    }


class IdentifiantPasswordResetForm(PasswordResetForm):
    """Reset by email or numéro famille; the mail goes to the address of each matching account."""

    email = forms.CharField(
        label=_("Identifiant"),
        max_length=254,
        help_text=_("Votre adresse électronique ou votre numéro famille."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )

    def get_users(self, email):
        for user in users_for_identifiant(email).filter(is_active=True).exclude(email=""):
            if user.has_usable_password():
                yield user


class ContactForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"), help_text=_("Elle sert aussi d'identifiant."))
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    notify_by_email = forms.BooleanField(label=_("Recevoir les notifications par courriel"), required=False)
