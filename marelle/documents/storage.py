"""Where documents are kept: a private folder outside the web root, with random names.

Nothing here has a URL: a document is sent only by a view that first checks who asks.
"""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone


class PrivateStorage(FileSystemStorage):
    """PRIVATE_MEDIA_ROOT, read at each use (tests point it at a temporary folder)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private documents have no public URL; serve them through a scoped view.")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _storage


def random_name(folder: str, extension: str) -> str:
    """`folder/2026/12/<32 random url-safe characters>.pdf`: nothing to guess from the name."""
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}.{extension}"


def family_upload_to(instance, filename: str) -> str:
    return random_name("familles", instance.extension)


def published_upload_to(instance, filename: str) -> str:
    return random_name("communes", instance.extension)
