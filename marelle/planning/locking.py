"""One lock per (service, day), so that counting the places left and taking one is atomic.

PostgreSQL: a transaction-level advisory lock, released at commit. SQLite: the settings
open every transaction with BEGIN IMMEDIATE, so writers are already serialised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import connection

# Keeps our advisory keys apart from any other user of pg_advisory locks.
_NAMESPACE = 0x4D41  # "MA"
_SUBMISSION_NAMESPACE = 0x4D53  # "MS"


def _key(service_id: int, day: dt.date) -> int:
    # One bigint: namespace (16 bits) | service id (24 bits) | day ordinal (24 bits).
    return (_NAMESPACE << 48) | ((service_id & 0xFFFFFF) << 24) | (day.toordinal() & 0xFFFFFF)


def lock_service_days(keys: Iterable[tuple[int, dt.date]]) -> None:
    """Take the locks of every (service id, day), in a fixed order to avoid deadlocks; one query."""
    if not settings.PLANNING_CAPACITY_LOCK or connection.vendor != "postgresql":
        return
    ordered = sorted({_key(service_id, day) for service_id, day in keys})
    if not ordered:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(k, n) ORDER BY n",
            [ordered],
        )


def lock_submission(famille_id: int, submission_key: str) -> None:
    """Serialise the requests carrying one family's submission key (PostgreSQL; SQLite's
    BEGIN IMMEDIATE already serialises writers)."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"{famille_id}:{submission_key}".encode()).digest()
    key = (_SUBMISSION_NAMESPACE << 48) | int.from_bytes(digest[:6], "big")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def race_window() -> None:
    """Test hook for the race test's negative control: widen the gap between count and write."""
    if settings.PLANNING_RACE_DELAY_SECONDS:
        time.sleep(settings.PLANNING_RACE_DELAY_SECONDS)
