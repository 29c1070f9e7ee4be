"""The parent's document upload form: it parses; the checks of the file are in the service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marelle.documents.models import FamilyDocument
from marelle.documents.validators import ACCEPT


class FamilyDocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de document"),
        choices=FamilyDocument.Kind.choices,
        error_messages={"invalid_choice": _("Type de document inconnu.")},
    )
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, JPEG ou PNG, %(size)s au plus."),
        error_messages={"required": _("Choisissez le fichier à envoyer."), "empty": _("Le fichier est vide.")},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    comment = forms.CharField(label=_("Commentaire (facultatif)"), required=False, max_length=500)

    def __init__(self, *args, max_size_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {"size": max_size_label}
