"""Mon compte's forms: contact details and notification choices. They parse; whether a
change is applied or sent to the mairie is the service's business."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

INBOX_ONLY = "inbox"
INBOX_AND_EMAIL = "email"
DELIVERY_CHOICES = [
    (INBOX_ONLY, _("Boîte de réception seulement")),
    (INBOX_AND_EMAIL, _("Boîte de réception et courriel")),
]


class ContactChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Elle sert aussi d'identifiant."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Téléphone"), max_length=30, required=False, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    address = forms.CharField(
        label=_("Adresse"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),  # one line: not street-address
    )
    postal_code = forms.CharField(
        label=_("Code postal"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    city = forms.CharField(
        label=_("Ville"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )


class NotificationChoicesForm(forms.Form):
    """One radio group per kind of notice (messaging.kinds)."""

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in kinds:
            self.fields[code] = forms.ChoiceField(
                label=label, choices=DELIVERY_CHOICES, widget=forms.RadioSelect, initial=INBOX_AND_EMAIL
            )

    def by_email(self) -> dict[str, bool]:
        return {code: value == INBOX_AND_EMAIL for code, value in self.cleaned_data.items()}
