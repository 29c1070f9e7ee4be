"""Forms of the back office's payments, mandates, SEPA and exports pages: they only parse;
the billing services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marelle.billing.formatting import money
from marelle.billing.services.payments import DESK_METHODS
from marelle.billing.services.sepa import REJECT_REASONS
from marelle.core.dates import parse_month
from marelle.core.forms import BoundedDateField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class JournalForm(forms.Form):
    day = BoundedDateField(label=_("Jour"), widget=DATE)
    regie = forms.ModelChoiceField(label=_("Régie"), queryset=None, required=False, empty_label=_("Toutes"))

    def __init__(self, *args, regies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regie"].queryset = regies


class FamilleLookupForm(forms.Form):
    numero = forms.CharField(label=_("N° famille"), max_length=16)


class PaymentForm(forms.Form):
    regie = forms.ModelChoiceField(label=_("Régie"), queryset=None, empty_label=None)
    amount = forms.DecimalField(label=_("Montant (€)"), max_digits=12, decimal_places=2, min_value=0)
    method = forms.ChoiceField(
        label=_("Moyen de paiement"), choices=[(m.value, m.label) for m in DESK_METHODS], widget=forms.RadioSelect
    )
    received_on = BoundedDateField(label=_("Reçu le"), widget=DATE)
    note = forms.CharField(
        label=_("Référence"), required=False, max_length=100, help_text=_("N° de chèque, de CESU, libellé du virement.")
    )
    responsable = forms.ModelChoiceField(
        label=_("Payeur"), queryset=None, required=False, empty_label=_("La famille (tout responsable)")
    )
    factures = forms.ModelMultipleChoiceField(
        label=_("Factures réglées"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sans choix, le paiement règle les factures les plus anciennes ; le surplus reste en avoir."),
    )

    def __init__(self, *args, regies, responsables, factures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regie"].queryset = regies
        self.fields["responsable"].queryset = responsables
        self.fields["factures"].queryset = factures
        self.fields["factures"].label_from_instance = lambda f: f"{f.number} — {money(f.remaining)} ({f.regie.code})"


class MandatForm(forms.Form):
    responsable = forms.ModelChoiceField(label=_("Responsable qui paie"), queryset=None, empty_label=None)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False, help_text=_("Déduit de l'IBAN s'il est vide."))
    rum = forms.CharField(
        label=_("RUM"), max_length=35, required=False, help_text=_("Référence unique du mandat ; vide : attribuée.")
    )
    signed_on = BoundedDateField(label=_("Signé le"), widget=DATE)

    def __init__(self, *args, responsables, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsable"].queryset = responsables


class RevokeForm(forms.Form):
    revoked_on = BoundedDateField(label=_("Révoqué le"), widget=DATE)


class SepaBatchForm(forms.Form):
    regie = forms.ModelChoiceField(label=_("Régie"), queryset=None, empty_label=None)
    collection_date = BoundedDateField(label=_("Date de prélèvement"), widget=DATE)

    def __init__(self, *args, regies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regie"].queryset = regies


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motif du rejet"), choices=[("", "—"), *REJECT_REASONS.items()])
    rejected_on = BoundedDateField(label=_("Rejeté le"), widget=DATE)


class RunForm(forms.Form):
    """Which régie and month to invoice ('2026-11')."""

    regie = forms.ModelChoiceField(label=_("Régie"), queryset=None, empty_label=None)
    month = forms.CharField(label=_("Mois"), max_length=20, widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, *args, regies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regie"].queryset = regies
        # HTML forbids maxlength on <input type="month">; max_length is still checked here.
        self.fields["month"].widget.attrs.pop("maxlength", None)

    def clean_month(self):
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Mois invalide : indiquez-le sous la forme AAAA-MM."))
        return month.strftime("%Y-%m")


class FactureSearchForm(forms.Form):
    q = forms.CharField(label=_("N° de facture, n° famille ou nom"), max_length=100, required=False)
    unpaid = forms.BooleanField(label=_("Impayées seulement"), required=False)


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label=_("Motif de l'avoir"), max_length=255)
    amount = forms.DecimalField(
        label=_("Montant (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Vide : toute la facture."),
    )
