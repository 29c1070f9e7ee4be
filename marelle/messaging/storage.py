"""Attachments live under PRIVATE_MEDIA_ROOT/messages/, outside the web root, under random
names; only the scoped views of the portal and the back office send them."""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone


class AttachmentStorage(FileSystemStorage):
    """PRIVATE_MEDIA_ROOT, read at each use (tests point it at a temporary folder)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Attachments have no public URL; serve them through a scoped view.")


_storage = AttachmentStorage()


def attachment_storage() -> AttachmentStorage:
    return _storage


def random_name(extension: str) -> str:
    """`messages/2026/12/<32 random url-safe characters>.pdf`: nothing to guess from the name."""
    return f"messages/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}.{extension}"
