"""Form fields shared by the portal and the back office."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from marelle.core.dates import MAX_DATE, MIN_DATE, in_range, out_of_range_message


class BoundedDateField(forms.DateField):
    """A date between MIN_DATE and MAX_DATE: year 1 or 9999 is a typing slip or a probe, and
    computing a planning around it overflows."""

    default_error_messages = {
        "out_of_range": _("Choisissez une date entre le %(min)s et le %(max)s."),
    }

    def validate(self, value):
        super().validate(value)
        if value and not in_range(value):
            raise forms.ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={
                    "min": date_format(MIN_DATE, "SHORT_DATE_FORMAT"),
                    "max": date_format(MAX_DATE, "SHORT_DATE_FORMAT"),
                },
            )


def validate_in_range(value) -> None:
    """A validator for the DateFields a ModelForm builds itself (see `bound_dates`)."""
    if value and not in_range(value):
        raise forms.ValidationError(out_of_range_message(), code="out_of_range")


def bound_dates(form: forms.BaseForm) -> None:
    """Hold every plain DateField of `form` (a ModelForm's own) to MIN_DATE..MAX_DATE."""
    for field in form.fields.values():
        bounded = isinstance(field, BoundedDateField) or validate_in_range in getattr(field, "validators", ())
        if isinstance(field, forms.DateField) and not bounded:
            field.validators.append(validate_in_range)


class QuickSelect(forms.Select):
    """A single <select> whose options are written in Python, straight from its choices.
    Django renders every option through its own templates (about 0.1 ms each): a filter
    offering the 200 services of a territory was most of the file des demandes' render time.
    The markup is Django's (tests/test_quick_select.py compares them)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        parts = [f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):  # a group: (group name, [(value, label)…])
                parts.append(f'<optgroup label="{escape(option_value)}">')
                parts.extend(self._option(v, text, selected) for v, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, label, selected))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped in _option

    @staticmethod
    def _option(value, label, selected: set[str]) -> str:
        value = "" if value is None else str(value)
        chosen = " selected" if value in selected else ""
        if chosen:
            selected.clear()  # a single select: the first match only, as Django does
        return f'<option value="{escape(value)}"{chosen}>{escape(label)}</option>'
