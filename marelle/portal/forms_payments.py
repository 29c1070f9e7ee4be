"""Parsing of the Payer en ligne form (which invoices); the service decides if they are payable."""

from __future__ import annotations

from django import forms


class PayForm(forms.Form):
    factures = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id parses; the service keeps only the responsable's own open invoices.
        self.fields["factures"].valid_value = lambda value: str(value).isdigit()
