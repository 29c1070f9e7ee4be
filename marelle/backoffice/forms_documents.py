"""Back-office forms of the documents pages: they parse, scoped to the agent's communes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marelle.core.forms import BoundedDateField
from marelle.documents.models import FamilyDocument, PublishedDocument
from marelle.documents.validators import ACCEPT
from marelle.territory.models import Commune, Etablissement

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=PublishedDocument.Kind.choices)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), empty_label=None)
    etablissement = forms.ModelChoiceField(
        label=_("Pour"),
        queryset=Etablissement.objects.none(),
        required=False,
        empty_label=_("toutes les familles de la commune"),
        help_text=_("Ou seulement les familles dont un enfant fréquente cette école."),
    )
    valid_from = BoundedDateField(label=_("Valable du"), widget=DATE_WIDGET)
    valid_until = BoundedDateField(
        label=_("Valable jusqu'au"), required=False, widget=DATE_WIDGET, help_text=_("Vide : sans date de fin.")
    )
    file = forms.FileField(
        label=_("Fichier (PDF, JPEG ou PNG)"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )

    def __init__(self, *args, commune_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(pk__in=commune_ids)
        etablissements = Etablissement.objects.filter(commune_id__in=commune_ids).select_related("commune")
        self.fields["etablissement"].queryset = etablissements
        if len(commune_ids) > 1:
            self.fields["etablissement"].label_from_instance = lambda e: f"{e.name} ({e.commune.name})"


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("validate", _("Valider")), ("refuse", _("Refuser"))])
    reason = forms.CharField(
        label=_("Motif du refus (la famille le lira)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DocumentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Tous"))] + list(FamilyDocument.Status.choices)
    )
