"""Builds the decision race's data in the database named by DATABASE_URL, prints it as JSON.

Run as a separate process (`python -m tests.backoffice.decide_race_setup N`), like the
planning race's setup, so that the live server it talks to runs on PostgreSQL whatever
database the test run itself uses: one pending demande and N agents of its commune,
each with a session.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

import django


def main(agents: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marelle.settings")
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from marelle.planning.models import CellState, Demande, DemandeLine, Service
    from tests import factories as f

    commune = f.CommuneFactory(slug="decision", name="Décision")
    etab = f.EtablissementFactory(commune=commune)
    year = f.SchoolYearFactory(commune=commune, start_date=dt.date(2000, 1, 1), end_date=dt.date(2100, 1, 1))
    service = f.ServiceFactory(
        etablissement=etab, name="RESTAURATION", weekdays="0123456", booking_mode=Service.BookingMode.VALIDATION
    )
    famille = f.FamilleFactory(commune=commune)
    parent = f.ResponsableFactory(famille=famille)
    enfant = f.EnfantFactory(famille=famille, etablissement=etab)
    f.InscriptionFactory(enfant=enfant, service=service, school_year=year, responsable=parent)
    day = timezone.localdate() + dt.timedelta(days=14)
    demande = Demande.objects.create(
        famille=famille, enfant=enfant, kind=Demande.Kind.RESERVATION, created_at=timezone.now(), reason=""
    )
    DemandeLine.objects.create(demande=demande, service=service, date=day, from_state="free", to_state="pending")
    f.CellFactory(enfant=enfant, service=service, date=day, state=CellState.PENDING, demande=demande)
    out = {"demande": demande.pk, "agents": []}
    for _ in range(agents):
        agent = f.AgentFactory(communes=[commune])
        session = SessionStore()
        session[SESSION_KEY] = str(agent.user.pk)
        session[BACKEND_SESSION_KEY] = "marelle.families.auth.IdentifiantBackend"
        session[HASH_SESSION_KEY] = agent.user.get_session_auth_hash()
        session.create()
        out["agents"].append({"session": session.session_key, "user": agent.user.pk})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]))
