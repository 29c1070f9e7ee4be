"""Builds the race test's data in the database named by DATABASE_URL and prints it as JSON.

Run as a separate process (`python -m tests.planning.race_setup N`) so that the test can
aim a live server at a PostgreSQL database whatever database the test run itself uses.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

import django


def main(racers: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marelle.settings")
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from marelle.planning.models import Service
    from tests import factories as f

    commune = f.CommuneFactory(slug="course", name="Course")
    etab = f.EtablissementFactory(commune=commune)
    year = f.SchoolYearFactory(commune=commune, start_date=dt.date(2000, 1, 1), end_date=dt.date(2100, 1, 1))
    service = f.ServiceFactory(
        etablissement=etab,
        name="GARDERIE MATIN",
        weekdays="0123456",
        booking_mode=Service.BookingMode.AUTOMATIC,
        capacity=1,
    )
    day = timezone.localdate() + dt.timedelta(days=14)
    out = {"service": service.pk, "date": day.isoformat(), "racers": []}
    for _ in range(racers):
        famille = f.FamilleFactory(commune=commune)
        parent = f.ResponsableFactory(famille=famille)
        enfant = f.EnfantFactory(famille=famille, etablissement=etab)
        f.InscriptionFactory(enfant=enfant, service=service, school_year=year, responsable=parent)
        session = SessionStore()
        session[SESSION_KEY] = str(parent.user.pk)
        session[BACKEND_SESSION_KEY] = "marelle.families.auth.IdentifiantBackend"
        session[HASH_SESSION_KEY] = parent.user.get_session_auth_hash()
        session.create()
        out["racers"].append({"session": session.session_key, "enfant": enfant.pk})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]))
