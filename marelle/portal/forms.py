from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from marelle.families.auth import canonical_identifiant, users_for_identifiant


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Identifiant"),
        max_length=254,
        help_text=_(
            "Votre adresse électronique ou votre numéro famille (si plusieurs responsables de la "
            "famille ont un compte, chacun utilise son adresse électronique)."
        ),
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
    remember = forms.BooleanField(
        label=_("Se souvenir de moi"),
        required=False,
        help_text=_("Sur un appareil personnel seulement : vous restez connecté(e) 14 jours."),
    )

    def clean_username(self):
        # One spelling per identifiant, so that the lockout counts every variant as one.
        return canonical_identifiant(self.cleaned_data["username"])


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
