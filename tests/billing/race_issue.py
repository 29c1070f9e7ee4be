"""Worker of the numbering race test, run as separate processes on a PostgreSQL database.

`python -m tests.billing.race_issue setup N` builds a régie with N families booked from
September to November 2026 and prints {"regie": id}; `... issue REGIE MONTH START` waits
until the wall-clock time START (so that the workers start together), issues MONTH and
prints {"ok": true, "count": n} or {"ok": false, "error": "..."}.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time

import django


def setup(n: int) -> None:
    from django.utils import timezone

    from marelle.planning.models import Cell, CellState
    from tests import factories as f
    from tests.billing.factories import RegieFactory, tarif_for

    commune = f.CommuneFactory(slug="course-factures", name="Course")
    etab = f.EtablissementFactory(commune=commune)
    year = f.SchoolYearFactory(commune=commune)
    service = f.ServiceFactory(etablissement=etab, name="RESTAURATION", weekdays="0134")
    regie = RegieFactory(commune=commune, invoice_prefix="RACE")
    tarif_for(service, regie)
    rows = []
    for _ in range(n):
        famille = f.FamilleFactory(commune=commune, quotient_familial=500)
        payer = f.ResponsableFactory(famille=famille)
        enfant = f.EnfantFactory(famille=famille, etablissement=etab)
        f.InscriptionFactory(enfant=enfant, service=service, school_year=year, responsable=payer)
        day = dt.date(2026, 9, 1)
        while day < dt.date(2026, 12, 1):
            if service.is_open_on(day):
                rows.append(
                    Cell(enfant=enfant, service=service, date=day, state=CellState.BOOKED, state_since=timezone.now())
                )
            day += dt.timedelta(days=1)
    Cell.objects.bulk_create(rows)
    print(json.dumps({"regie": regie.pk}))


def issue(regie_id: int, month: str, start: float) -> None:
    from django.db import Error

    from marelle.billing.models import Regie
    from marelle.billing.services.runs import invoice_run_issue

    regie = Regie.objects.get(pk=regie_id)
    while time.time() < start:
        time.sleep(0.005)
    try:
        run = invoice_run_issue(
            regie=regie,
            month=dt.date.fromisoformat(month),
            actor=None,
            now=dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC),
            with_pdf=False,
        )
    except Error as exc:
        print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}))
        return
    print(json.dumps({"ok": True, "count": run.invoice_count}))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marelle.settings")
    django.setup()
    if sys.argv[1] == "setup":
        setup(int(sys.argv[2]))
    else:
        issue(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
