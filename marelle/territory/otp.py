"""An agent's second factor (TOTP): a candidate key shown as a QR code, confirmed by a code.

Nothing is written until the agent types a valid code: the candidate key lives in the
agent's session, so opening the enrolment page (a GET) creates no device."""

from __future__ import annotations

import time

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from marelle.audit.services import log_action

DEVICE_NAME = "Marelle"


def candidate_device(user, key: str | None) -> tuple[TOTPDevice, str]:
    """An unsaved device for `user` with `key` (a fresh random key when there is none yet);
    returns it with the key to keep in the session."""
    key = key or default_key()
    return TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=False), key


def otp_device_confirm(*, user, key: str, token: str) -> TOTPDevice | None:
    """The confirmed device when `token` is valid for `key` (it replaces the agent's
    previous device), else None and nothing written."""
    device, _key = candidate_device(user, key)
    token = (token or "").strip()
    if not (token.isascii() and token.isdigit()):
        return None
    # Checked here rather than by device.verify_token, which saves the device (and its
    # throttling counter): a candidate is not a device until the code is right.
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(token), device.tolerance):
        return None
    device.last_t = totp.t()
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.confirmed = True
        device.save()
        log_action(obj=user, action="agent.otp_enrolled", actor=user, data={})
    return device
