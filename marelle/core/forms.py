"""Form fields shared by the portal and the back office."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from marelle.core.dates import MAX_DATE, MIN_DATE, in_range


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
