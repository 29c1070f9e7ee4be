"""The demo planning of the guide's child (ZTEST COMMUNE): over the coming weeks, the
restaurant booked on its regular days by a contrat régulier, a booking made at once on an
automatic service, a demande waiting for an agent on a service "sur validation", and an
excused absence — so that a newcomer sees the states and both booking modes.

Idempotent: the contract is found again, and the demandes carry fixed submission keys.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from marelle.families.models import Enfant
from marelle.planning import services
from marelle.planning.models import ContratRegulier, Inscription, Service
from marelle.planning.rules import Action, local_today

ZTEST_NUMERO = "381623867924"
CONTRACT_WEEKDAYS = "013"  # restaurant on Monday, Tuesday and Thursday; Friday is asked for
KEYS = {
    "garderie": "demo-ztest-garderie-matin",
    "pending": "demo-ztest-restauration-vendredi",
    "absence": "demo-ztest-absence",
}


def _ztest_child() -> Enfant | None:
    return (
        Enfant.objects.filter(famille__numero=ZTEST_NUMERO, prenom="COMMUNE")
        .select_related("famille")
        .order_by("pk")
        .first()
    )


def _first_allowed(enfant, action, service, days, now) -> dt.date | None:
    """The first of `days` on which the rules allow `action` (closed days, deadlines…)."""
    days = list(days)
    if not days:
        return None
    verdicts = services.demande_preview(enfant=enfant, action=action, cells=[(service.pk, d) for d in days], now=now)
    allowed = sorted(v.day for v in verdicts if v.allowed)
    return allowed[0] if allowed else None


def _weekdays_from(start: dt.date, weekday: int, weeks: int = 8) -> list[dt.date]:
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    return [first + dt.timedelta(days=7 * i) for i in range(weeks)]


@transaction.atomic
def load_demo_planning(now: dt.datetime) -> None:
    enfant = _ztest_child()
    if enfant is None:
        return
    actor = enfant.famille.responsables.exclude(user=None).order_by("pk").first()
    user = actor.user if actor else None
    today = local_today(now)
    inscriptions = {
        i.service.name: i
        for i in Inscription.objects.filter(enfant=enfant, end_date__gte=today).select_related("service")
    }
    soon = today + dt.timedelta(days=3)  # past the usual "two days before" deadlines

    # 1. The restaurant on its regular days, by a contrat régulier.
    restauration = inscriptions.get("RESTAURATION")
    if restauration is not None:
        contrat = ContratRegulier.objects.filter(inscription=restauration).order_by("pk").first()
        if contrat is None:
            contrat = ContratRegulier.objects.create(
                inscription=restauration,
                weekdays=CONTRACT_WEEKDAYS,
                start_date=max(restauration.start_date, today),
                end_date=restauration.end_date,
            )
        services.contrat_apply(actor=None, contrat=contrat, now=now, from_date=today)

    # 2. One booking per booking mode: automatic → Réservé at once; sur validation → en attente.
    for key, service_name, weekday, action in [
        ("garderie", "GARDERIE MATIN", 0, Action.BOOK),
        ("pending", "RESTAURATION", 4, Action.BOOK),
        ("absence", "RESTAURATION", 3, Action.ABSENCE),
    ]:
        inscription = inscriptions.get(service_name)
        if inscription is None:
            continue
        service: Service = inscription.service
        if key == "garderie" and service.booking_mode != Service.BookingMode.AUTOMATIC:
            continue
        day = _first_allowed(enfant, action, service, _weekdays_from(soon, weekday), now)
        if day is None:
            continue
        try:
            services.demande_submit(
                actor=user,
                enfant=enfant,
                action=action,
                cells=[(service.pk, day)],
                now=now,
                reason="medical" if action == Action.ABSENCE else "",
                comment="Rendez-vous chez le médecin" if action == Action.ABSENCE else "",
                submission_key=KEYS[key],
            )
        except services.PlanningError:
            continue
