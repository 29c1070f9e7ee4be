"""Caps on free text. The columns are TextFields (no database limit): without a cap, one
request stores 100 kB of "allergies" that every pointage sheet then prints. Forms cap their
fields for the person typing; services check again, whoever calls them."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# A child's allergies or the persons allowed to pick them up: a few lines.
NOTE_MAX_CHARS = 2_000
# A comment on a demande, a refusal reason.
COMMENT_MAX_CHARS = 1_000
# A message's body (a parent's message, an agent's reply or broadcast): a long letter.
MESSAGE_MAX_CHARS = 10_000


def too_long_message(limit: int, length: int) -> str:
    return _("Ce texte est trop long : %(limit)s caractères au plus (il en compte %(length)s).") % {
        "limit": number_format(limit, force_grouping=True),
        "length": number_format(length, force_grouping=True),
    }


def length_errors(values: Mapping[str, object], limits: Mapping[str, int]) -> dict[str, list[str]]:
    """{field: [message]} for each value of `values` longer than its limit in `limits`."""
    errors: dict[str, list[str]] = {}
    for name, limit in limits.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors[name] = [too_long_message(limit, len(value))]
    return errors


def check_lengths(values: Mapping[str, object], limits: Mapping[str, int]) -> None:
    """Raise ValidationError({field: message}) if any value is longer than its limit."""
    errors = length_errors(values, limits)
    if errors:
        raise ValidationError(errors)


def cap_field(field: forms.Field, limit: int) -> None:
    """Give a form field built by a ModelForm from a TextField the limit a CharField(max_length)
    would have: the browser stops typing at it, the form refuses more."""
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)
