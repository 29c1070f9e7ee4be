"""Back-office forms of the contact-change pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marelle.families.models import ContactField, ContactPolicy


class ContactDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accepter")), ("refuse", _("Refuser"))])
    comment = forms.CharField(
        label=_("Motif du refus (la famille le lira)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContactPolicyForm(forms.Form):
    """One choice per contact field for one commune."""

    def __init__(self, *args, modes: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in ContactField.choices:
            self.fields[code] = forms.ChoiceField(
                label=str(label).capitalize(),
                choices=ContactPolicy.Mode.choices,
                initial=modes[code],
                widget=forms.RadioSelect,
            )
