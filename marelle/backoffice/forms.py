"""Back-office forms: they validate input and scope every choice to the agent's communes."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from marelle.core.forms import BoundedDateField, QuickSelect, bound_dates
from marelle.core.text import cap_field
from marelle.families import services as family_services
from marelle.families.models import Enfant, Famille, Responsable
from marelle.planning.models import FREE, WEEKDAY_LABELS, CellState, Demande, Inscription, Service
from marelle.territory.models import Closure, Commune, DayType, Etablissement, SchoolYear

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAY_CHOICES = [(str(i), str(label).capitalize()) for i, label in enumerate(WEEKDAY_LABELS)]


class DemandeFilterForm(forms.Form):
    commune = forms.ModelChoiceField(
        queryset=Commune.objects.none(), required=False, label=_("Commune"), widget=QuickSelect
    )
    etablissement = forms.ModelChoiceField(
        queryset=Etablissement.objects.none(), required=False, label=_("Établissement"), widget=QuickSelect
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), required=False, label=_("Service"), widget=QuickSelect
    )
    du = BoundedDateField(required=False, label=_("Du"), widget=DATE_WIDGET)
    au = BoundedDateField(required=False, label=_("Au"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(
        choices=[("", _("Tous"))] + list(Demande.Kind.choices), required=False, label=_("Type"), widget=QuickSelect
    )

    def __init__(self, *args, commune_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(pk__in=commune_ids)
        self.fields["etablissement"].queryset = Etablissement.objects.filter(commune_id__in=commune_ids)
        self.fields["service"].queryset = Service.objects.filter(
            etablissement__commune_id__in=commune_ids
        ).select_related("etablissement")
        self.fields["service"].label_from_instance = lambda s: f"{s.name} — {s.etablissement.name}"


class DecisionForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    comment = forms.CharField(
        required=False,
        max_length=1000,
        label=_("Motif (obligatoire pour un refus)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    force = forms.BooleanField(required=False)
    # "Les N demandes filtrées": every page of the queue, by its filters (a query string),
    # among the demandes received before the page was shown (`seen`, ISO 8601).
    all_filtered = forms.BooleanField(required=False)
    filters = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is accepted here: the view keeps only the agent's own demandes.
        self.fields["ids"].valid_value = lambda value: True

    def clean_seen(self):
        value = self.cleaned_data["seen"]
        if not value:
            return None
        try:
            seen = parse_datetime(value)
        except ValueError:
            seen = None
        if seen is None or timezone.is_naive(seen):
            raise forms.ValidationError(_("Requête invalide."))
        return seen


class FamilleSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Nom, numéro famille ou enfant"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class CellStateForm(forms.Form):
    service = forms.TypedChoiceField(coerce=int, label=_("Service"))
    date = BoundedDateField(label=_("Jour"), widget=DATE_WIDGET)
    state = forms.ChoiceField(label=_("Nouvel état"), choices=[(FREE, _("Libre"))] + list(CellState.choices))
    reason = forms.CharField(label=_("Raison du changement"), max_length=255)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.pk, s.name) for s in services]


class InscriptionForm(forms.ModelForm):
    class Meta:
        model = Inscription
        fields = ["service", "school_year", "responsable", "start_date", "end_date"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}
        labels = {"responsable": _("Responsable payeur"), "school_year": _("Année scolaire")}

    def __init__(self, *args, enfant, **kwargs):
        super().__init__(*args, **kwargs)
        self.enfant = enfant
        commune_id = enfant.famille.commune_id
        self.fields["service"].queryset = Service.objects.filter(etablissement__commune_id=commune_id).select_related(
            "etablissement"
        )
        self.fields["service"].label_from_instance = lambda s: f"{s.name} — {s.etablissement.name}"
        self.fields["school_year"].queryset = SchoolYear.objects.filter(commune_id=commune_id)
        self.fields["responsable"].queryset = Responsable.objects.filter(famille_id=enfant.famille_id)
        self.fields["start_date"].required = False
        self.fields["end_date"].required = False
        self.instance.enfant = enfant
        bound_dates(self)

    # The period's rules and the one-enrolment-per-year rule are checked by inscription_create.


class ContratForm(forms.Form):
    weekdays = forms.MultipleChoiceField(choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple, label=_("Jours"))
    start_date = BoundedDateField(label=_("Du"), widget=DATE_WIDGET)
    end_date = BoundedDateField(label=_("Au"), widget=DATE_WIDGET)

    def __init__(self, *args, inscription: Inscription, **kwargs):
        super().__init__(*args, **kwargs)
        self.inscription = inscription
        self.fields["start_date"].initial = inscription.start_date
        self.fields["end_date"].initial = inscription.end_date
        open_days = set(inscription.service.weekdays)
        self.fields["weekdays"].choices = [c for c in WEEKDAY_CHOICES if c[0] in open_days]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("La fin précède le début."))
            if start < self.inscription.start_date or end > self.inscription.end_date:
                raise forms.ValidationError(_("La période doit être comprise dans celle de l'inscription."))
        return data

    @property
    def weekdays_code(self) -> str:
        return "".join(sorted(self.cleaned_data["weekdays"]))


class ContratChangeForm(forms.Form):
    weekdays = forms.MultipleChoiceField(
        choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple, label=_("Nouveaux jours")
    )
    from_date = BoundedDateField(label=_("À partir du"), widget=DATE_WIDGET)

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        open_days = set(contrat.inscription.service.weekdays)
        self.fields["weekdays"].choices = [c for c in WEEKDAY_CHOICES if c[0] in open_days]
        self.fields["weekdays"].initial = list(contrat.weekdays)

    @property
    def weekdays_code(self) -> str:
        return "".join(sorted(self.cleaned_data["weekdays"]))


class ColourInput(forms.TextInput):
    """<input type="color">: HTML allows neither maxlength nor required on it (a colour picker
    always has a value); the form field still checks both."""

    input_type = "color"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for attr in ("maxlength", "required"):
            context["widget"]["attrs"].pop(attr, None)
        return context


class DayTypeForm(forms.ModelForm):
    class Meta:
        model = DayType
        fields = ["code", "label", "colour"]
        widgets = {"colour": ColourInput}


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["label", "start_date", "end_date", "day_type", "etablissement", "services"]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "services": forms.CheckboxSelectMultiple,
        }
        labels = {"etablissement": _("Établissement (vide = toute la commune)"), "day_type": _("Type de jour")}

    def __init__(self, *args, commune: Commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune
        self.fields["day_type"].queryset = DayType.objects.filter(commune=commune)
        self.fields["etablissement"].queryset = Etablissement.objects.filter(commune=commune)
        self.fields["services"].queryset = Service.objects.filter(etablissement__commune=commune).select_related(
            "etablissement"
        )
        self.fields["services"].label_from_instance = lambda s: f"{s.name} — {s.etablissement.name}"
        self.fields["end_date"].required = False
        bound_dates(self)

    def clean(self):
        data = super().clean()
        start = data.get("start_date")
        if start and not data.get("end_date"):
            data["end_date"] = start
            self.instance.end_date = start
        if start and data.get("end_date") and data["end_date"] < start:
            raise forms.ValidationError(_("La fin précède le début."))
        etab = data.get("etablissement")
        if etab and any(s.etablissement_id != etab.pk for s in data.get("services", [])):
            raise forms.ValidationError(_("Les services choisis doivent appartenir à l'établissement."))
        return data


class ClosureDeleteForm(forms.Form):
    restore = forms.BooleanField(
        required=False,
        label=_("Rétablir les réservations"),
        help_text=_(
            "Les jours réservés avant la fermeture redeviennent « Réservé » et les familles sont prévenues ; "
            "les demandes qu'elle avait refusées redeviennent « Libre ». Sans cette case, les jours restent "
            "en « Fermeture »."
        ),
    )


class ImportForm(forms.Form):
    school_year = forms.ModelChoiceField(queryset=SchoolYear.objects.none(), label=_("Année scolaire"))
    what = forms.ChoiceField(
        choices=[("public", _("Jours fériés")), ("school", _("Vacances scolaires"))], label=_("Importer")
    )

    def __init__(self, *args, commune: Commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].queryset = SchoolYear.objects.filter(commune=commune)


class PointageChoiceForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Service"))
    jour = BoundedDateField(label=_("Jour"), widget=DATE_WIDGET)

    def __init__(self, *args, commune_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(
            etablissement__commune_id__in=commune_ids
        ).select_related("etablissement")
        self.fields["service"].label_from_instance = lambda s: f"{s.name} — {s.etablissement.name}"


class PointageActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("present", "absent", "times", "add", "close", "fix")])
    enfant = forms.IntegerField(required=False)
    arrival = forms.TimeField(required=False, widget=TIME_WIDGET, label=_("Arrivée"))
    departure = forms.TimeField(required=False, widget=TIME_WIDGET, label=_("Départ"))


class EffectifsForm(forms.Form):
    du = BoundedDateField(label=_("Du"), widget=DATE_WIDGET)
    au = BoundedDateField(label=_("Au"), widget=DATE_WIDGET)
    commune = forms.ModelChoiceField(queryset=Commune.objects.none(), required=False, label=_("Commune"))
    etablissement = forms.ModelChoiceField(
        queryset=Etablissement.objects.none(), required=False, label=_("Établissement")
    )

    MAX_DAYS = 366

    def __init__(self, *args, commune_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(pk__in=commune_ids)
        self.fields["etablissement"].queryset = Etablissement.objects.filter(commune_id__in=commune_ids)

    def clean(self):
        data = super().clean()
        du, au = data.get("du"), data.get("au")
        if du and au:
            if au < du:
                raise forms.ValidationError(_("La fin précède le début."))
            if (au - du) > dt.timedelta(days=self.MAX_DAYS):
                raise forms.ValidationError(_("Choisissez une période d'un an au plus."))
        return data


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )


# Characters a SEPA mandate reference (RUM) may hold.
RUM_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9/?:().,'+ -]{1,35}$",
    _("La RUM ne contient que des lettres, chiffres, espaces et / - ? : ( ) . , ' +"),
)


class VersionedForm(forms.ModelForm):
    """An edit form that carries the fingerprint of the values it was shown with."""

    edit_fields: tuple[str, ...] = ()
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = family_services.version_of(self.instance, self.edit_fields)
        bound_dates(self)


class FamilleEditForm(VersionedForm):
    """Contact details, quotient familial and the SEPA mandate."""

    edit_fields = family_services.FAMILLE_FIELDS

    class Meta:
        model = Famille
        fields = list(family_services.FAMILLE_FIELDS)
        widgets = {
            "qf_valid_from": DATE_WIDGET,
            "qf_valid_until": DATE_WIDGET,
            "mandate_signed_on": DATE_WIDGET,
            "iban": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }
        labels = {
            "direct_debit": _("Prélèvement automatique (mandat SEPA)"),
            "shared_access": _("Les responsables agissent tous sur tous les services de la famille"),
        }
        help_texts = {
            "iban": _("Espaces acceptés, par exemple FR76 3000 6000 0112 3456 7890 189."),
            "bic": _("Laissé vide, il est déduit de l'IBAN quand c'est possible."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mandate_reference"].validators.append(RUM_VALIDATOR)

    # Parsing only: the rules on the QF and the mandate are checked by famille_update.
    def clean_iban(self) -> str:
        value = self.cleaned_data["iban"].strip()
        if not value:
            return ""
        try:
            return IBAN(value).compact
        except SchwiftyException:
            raise forms.ValidationError(_("Cet IBAN n'est pas valide (vérifiez les chiffres et la clé).")) from None

    def clean_bic(self) -> str:
        value = self.cleaned_data["bic"].strip().upper()
        if not value:
            return ""
        try:
            return BIC(value).compact
        except SchwiftyException:
            raise forms.ValidationError(_("Ce BIC n'est pas valide.")) from None


class ResponsableEditForm(VersionedForm):
    edit_fields = family_services.RESPONSABLE_FIELDS

    class Meta:
        model = Responsable
        fields = list(family_services.RESPONSABLE_FIELDS)
        help_texts = {
            "email": _("Adresse de contact. L'identifiant de connexion du responsable ne change pas."),
        }


class EnfantEditForm(VersionedForm):
    edit_fields = family_services.ENFANT_FIELDS

    class Meta:
        model = Enfant
        fields = list(family_services.ENFANT_FIELDS)
        widgets = {
            "left_on": DATE_WIDGET,
            "allergies": forms.Textarea(attrs={"rows": 3}),
            "authorized_pickup": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"etablissement": _("École"), "left_on": _("Parti le (vide = toujours inscrit)")}
        help_texts = {
            "allergies": _("Données de santé : visibles seulement des agents et sur la feuille de pointage."),
            "authorized_pickup": _("Une personne par ligne, avec son lien et son téléphone."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, limit in family_services.TEXT_LIMITS.items():
            cap_field(self.fields[name], limit)
        # Only the family's commune's schools.
        self.fields["etablissement"].queryset = Etablissement.objects.filter(
            commune_id=self.instance.famille.commune_id
        )
