"""Django's admin for administrators only, behind the second factor when they have one.

Agents are `is_staff` (the demo makes them so) but their place is the back office, where their
commune's rules apply: the admin is for superusers. An administrator with a confirmed TOTP
device must give a code at the admin's login (django-otp's admin site), whatever the session
got from a plain password elsewhere.
"""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


def is_administrator(user) -> bool:
    return bool(user.is_active and user.is_staff and user.is_superuser)


class AdminLoginForm(OTPAdminAuthenticationForm):
    """Password for every administrator, and the TOTP code for those who have a device."""

    error_messages = {
        **OTPAdminAuthenticationForm.error_messages,
        "not_administrator": _("Ce compte n'a pas accès à l'administration."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_administrator(user):
            raise ValidationError(self.error_messages["not_administrator"], code="not_administrator")

    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and user_has_device(user, confirmed=True):
            self.clean_otp(user)
        return self.cleaned_data


class MarelleAdminSite(OTPAdminSite):
    login_form = AdminLoginForm

    def __init__(self, name: str = "admin"):
        super().__init__(name)

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_authenticated and is_administrator(user)):
            return False
        return user.is_verified() or not user_has_device(user, confirmed=True)
