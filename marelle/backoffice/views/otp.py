"""The optional second factor: enrol a TOTP device (QR code), then verify a code at login."""

from __future__ import annotations

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from marelle.backoffice.access import agent_view
from marelle.territory.otp import candidate_device, otp_device_confirm

SESSION_KEY = "marelle_otp_candidate_key"


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@agent_view(animateur=True, otp=False)
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Enrol an authenticator app. Once a device is confirmed, changing it needs a verified
    session. The candidate key stays in the session until a valid code confirms it."""
    from marelle.backoffice.forms import OtpTokenForm

    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    if confirmed and not request.user.is_verified():
        return redirect("backoffice:otp_verify")
    device, key = candidate_device(request.user, request.session.get(SESSION_KEY))
    request.session[SESSION_KEY] = key
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed_device = otp_device_confirm(user=request.user, key=key, token=form.cleaned_data["token"])
        if confirmed_device is not None:
            request.session.pop(SESSION_KEY, None)
            otp_login(request, confirmed_device)
            messages.success(request, _("Double authentification activée."))
            return redirect("backoffice:dashboard")
        form.add_error("token", _("Code incorrect. Vérifiez l'heure de votre téléphone et réessayez."))
    return render(
        request,
        "backoffice/otp_enrol.html",
        {"form": form, "qr_svg": mark_safe(_qr_svg(device.config_url)), "secret": b32encode(device.bin_key).decode()},  # noqa: S308
    )


@agent_view(animateur=True, otp=False)
@require_http_methods(["GET", "POST"])
def verify(request):
    from marelle.backoffice.forms import OtpTokenForm

    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    if not devices:
        return redirect("backoffice:otp_enrol")
    if request.user.is_verified():
        return redirect("backoffice:dashboard")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect("backoffice:dashboard")
        form.add_error("token", _("Code incorrect."))
    return render(request, "backoffice/otp_verify.html", {"form": form})
