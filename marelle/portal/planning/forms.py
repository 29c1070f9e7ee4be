"""Forms of the planning pages: they parse and check what the browser sent, nothing more.

Whether an action is allowed on a cell is decided by `planning.services`, never here.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marelle.core.dates import parse_month as parse_bounded_month
from marelle.core.forms import BoundedDateField
from marelle.documents.validators import DOCUMENT_SIGNATURES, MAX_DOCUMENT_BYTES, sniff_document_type  # noqa: F401
from marelle.planning.models import AbsenceReason, Demande
from marelle.planning.rules import Action
from marelle.planning.services import MAX_CELLS_PER_DEMANDE, PlanningError
from marelle.planning.services.demandes import check_cells_bounds

WEEKDAY_CHOICES = [
    ("0", _("lundi")),
    ("1", _("mardi")),
    ("2", _("mercredi")),
    ("3", _("jeudi")),
    ("4", _("vendredi")),
    ("5", _("samedi")),
]


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


def parse_month(value: str | None, default: dt.date) -> dt.date:
    """'2026-12' → 1 December 2026; anything else → `default` (first of the current month)."""
    return parse_bounded_month(value) or default


def parse_cell_key(value: str) -> tuple[int, dt.date]:
    """'12:2026-12-05' → (12, date(2026, 12, 5)); ValueError for anything else."""
    service, _sep, day = value.partition(":")
    if not service.isdigit() or len(service) > 12:
        raise ValueError(value)
    return int(service), dt.date.fromisoformat(day)


class CellKeysField(forms.Field):
    """Repeated 'service_id:YYYY-MM-DD' values."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Choisissez au moins un jour."),
        "invalid": _("Case du planning invalide."),
        "too_many": _("Trop de jours à la fois (%(n)d au plus)."),
    }

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        if len(value) > MAX_CELLS_PER_DEMANDE:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"n": MAX_CELLS_PER_DEMANDE})
        try:
            cells = sorted({parse_cell_key(v) for v in value}, key=lambda c: (c[1], c[0]))
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        try:
            check_cells_bounds(cells)  # before any calendar work: its cost grows with the span
        except PlanningError as exc:
            raise ValidationError(exc.message, code=exc.code) from None
        return cells


class CellPriceForm(forms.Form):
    """GET cells=service_id:YYYY-MM-DD (repeated): the days whose booking price is asked."""

    cells = CellKeysField()

    def first_error(self) -> str:
        return next(iter(self.errors.values()))[0]


class CellActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a.value, a.value) for a in Action], error_messages={"invalid_choice": _("Action inconnue.")}
    )
    cells = CellKeysField()
    reason = forms.ChoiceField(
        label=_("Motif de l'absence"),
        choices=AbsenceReason.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Motif d'absence inconnu.")},
    )
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.FileField(
        label=_("Justificatif (facultatif) : PDF, JPEG ou PNG, 5 Mo au plus"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}),
    )
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    mois = forms.CharField(max_length=7, required=False, widget=forms.HiddenInput)

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return None
        if upload.size > MAX_DOCUMENT_BYTES:
            raise ValidationError(_("Le justificatif dépasse 5 Mo : envoyez un fichier plus léger."), code="too_big")
        extension = sniff_document_type(upload)
        if extension is None:
            raise ValidationError(
                _("Le justificatif doit être un PDF, une image JPEG ou PNG. Ce fichier n'en est pas un."),
                code="type",
            )
        # Stored under a name of our own: the extension matches the content, whatever was sent.
        upload.name = f"justificatif-{secrets.token_hex(6)}.{extension}"
        return upload

    def clean(self):
        data = super().clean()
        if data.get("action") == Action.ABSENCE and not data.get("reason") and "reason" not in self.errors:
            self.add_error("reason", _("Choisissez le motif de l'absence."))
        if data.get("action") != Action.ABSENCE:
            data["reason"], data["document"] = "", None
        return data

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return str(_("Demande invalide."))


class PlanningFilterForm(forms.Form):
    """The grid's GET parameters. The choices are the grid's own (the child's services), so the
    template draws the selects from the grid; an id that is not the child's simply matches no row."""

    mois = forms.CharField(required=False, max_length=7)
    etablissement = forms.IntegerField(label=_("Établissements"), required=False, min_value=1)
    service = forms.IntegerField(label=_("Service"), required=False, min_value=1)
    pointage = forms.BooleanField(label=_("Pointage arrivée ou départ manquant"), required=False)
    selection = forms.BooleanField(required=False)

    def filters(self) -> dict:
        """Valid values only: a mangled parameter is ignored rather than an error page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in ("etablissement", "service", "pointage", "selection")}


class RythmeForm(forms.Form):
    services = forms.TypedMultipleChoiceField(
        label=_("Services"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un service.")},
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Jours de la semaine"),
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un jour de la semaine.")},
    )
    start = BoundedDateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = BoundedDateField(label=_("Au"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = list(services)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("La date de fin précède la date de début."))
            elif (end - start).days > 366:
                self.add_error("end", _("Une période d'un an au plus."))
        return data

    def cells(self) -> list[tuple[int, dt.date]]:
        data = self.cleaned_data
        weekdays = {int(w) for w in data["weekdays"]}
        days = [data["start"] + dt.timedelta(days=i) for i in range((data["end"] - data["start"]).days + 1)]
        return [(s, d) for d in days if d.weekday() in weekdays for s in data["services"]]


class DemandesFilterForm(forms.Form):
    enfant = forms.TypedChoiceField(label=_("Enfant"), coerce=int, required=False, empty_value=None)
    statut = forms.ChoiceField(label=_("Statut"), required=False, choices=[("", _("Tous")), *Demande.Status.choices])
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous")), *Demande.Kind.choices])

    def __init__(self, *args, enfants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enfant"].choices = [("", _("Tous")), *((e.pk, e.prenom) for e in enfants)]
