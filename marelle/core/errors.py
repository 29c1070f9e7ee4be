"""How a service's refusal (a ValidationError) reaches the person: on the form, under the
field it names, or as page messages. One place for the portal and the back office."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form, under the field it names (else at the top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def flash_service_errors(request, exc: ValidationError) -> None:
    """A service's refusal shown as page messages (for actions without a form of their own)."""
    for error in exc.messages:
        messages.error(request, error)
