"""The agent's compose form: it parses and scopes the choices; messaging's services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marelle.core.forms import BoundedDateField
from marelle.core.text import MESSAGE_MAX_CHARS
from marelle.families.models import Famille
from marelle.messaging.forms import files_field
from marelle.messaging.models import Broadcast
from marelle.planning.models import Service
from marelle.territory.models import Commune, Etablissement


class ComposeForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    audience = forms.ChoiceField(label=_("Destinataires"), choices=Broadcast.Audience.choices, widget=forms.RadioSelect)
    famille = forms.CharField(label=_("Numéro famille"), required=False, help_text=_("Pour « Une famille »."))
    etablissement = forms.ModelChoiceField(
        label=_("École"),
        queryset=Etablissement.objects.none(),
        required=False,
        help_text=_("Pour « Les familles d'une école »."),
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        required=False,
        help_text=_("Pour « inscrites à un service »."),
    )
    day = BoundedDateField(
        label=_("Jour"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Pour « une réservation un jour donné »."),
    )
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=MESSAGE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 8}))
    files = files_field()

    def __init__(self, *args, commune_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune_ids = frozenset(commune_ids)
        self.fields["commune"].queryset = Commune.objects.filter(pk__in=self.commune_ids)
        if len(self.commune_ids) == 1:
            self.fields["commune"].initial = next(iter(self.commune_ids))
        self.fields["etablissement"].queryset = Etablissement.objects.filter(commune_id__in=self.commune_ids)
        self.fields["service"].queryset = Service.objects.filter(
            etablissement__commune_id__in=self.commune_ids
        ).select_related("etablissement")
        self.fields["service"].label_from_instance = lambda s: f"{s.name} — {s.etablissement.name}"

    def clean(self):
        data = super().clean()
        audience, commune = data.get("audience"), data.get("commune")
        required = {
            Broadcast.Audience.FAMILLE: "famille",
            Broadcast.Audience.ETABLISSEMENT: "etablissement",
            Broadcast.Audience.SERVICE: "service",
            Broadcast.Audience.JOUR: "day",
        }.get(audience)
        if required and not data.get(required):
            self.add_error(required, _("Ce champ est obligatoire pour ces destinataires."))
        if audience == Broadcast.Audience.FAMILLE and data.get("famille") and commune is not None:
            famille = Famille.objects.filter(commune=commune, numero=data["famille"].strip()).first()
            if famille is None:
                self.add_error("famille", _("Aucune famille de cette commune n'a ce numéro."))
            data["famille_obj"] = famille
        for name in ("etablissement",):
            obj = data.get(name)
            if audience == Broadcast.Audience.ETABLISSEMENT and obj and commune and obj.commune_id != commune.pk:
                self.add_error(name, _("Cette école n'est pas dans la commune choisie."))
        service = data.get("service")
        if (
            audience == Broadcast.Audience.SERVICE
            and service
            and commune
            and service.etablissement.commune_id != commune.pk
        ):
            self.add_error("service", _("Ce service n'est pas dans la commune choisie."))
        return data
