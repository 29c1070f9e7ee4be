"""Forms of the inbox and the messagerie: they parse; the services check and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marelle.core.text import MESSAGE_MAX_CHARS

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def files_field():
    return MultipleFileField(
        label=_("Pièces jointes"),
        help_text=_("PDF, JPEG ou PNG, 5 Mo au plus chacune, 5 fichiers au plus."),
    )


class WriteForm(forms.Form):
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=MESSAGE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 8}))
    files = files_field()


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Votre réponse"), max_length=MESSAGE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6})
    )
    files = files_field()
