"""A realistic territory at scale, for benchmarks and tests: `manage.py generate_volume`.

Bulk inserts only. The password is hashed once and the hash reused (Argon2 is slow on
purpose); the year's cells go in through executemany (SQLite) or COPY (PostgreSQL), since
building millions of model instances would cost more than the inserts themselves.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from marelle.core.bulk import insert_rows
from marelle.demo.data import DEMO_PASSWORD, SERVICES
from marelle.families.models import Enfant, Famille, Responsable
from marelle.planning.models import (
    Cell,
    CellState,
    ContratRegulier,
    DeadlineRule,
    Inscription,
    PlanningDefaults,
    Service,
)
from marelle.territory.models import Closure, Commune, DayType, Etablissement, SchoolYear, Territory
from marelle.territory.services import DAY_TYPES, public_holiday_periods, school_holiday_periods

FAMILIES_PER_COMMUNE = 400
NOMS = [
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "THOMAS",
    "ROBERT",
    "RICHARD",
    "PETIT",
    "DURAND",
    "LEROY",
    "MOREAU",
    "SIMON",
    "LAURENT",
    "LEFEBVRE",
    "MICHEL",
    "GARCIA",
    "DAVID",
    "BERTRAND",
    "ROUX",
    "VINCENT",
    "FOURNIER",
    "MOREL",
    "GIRARD",
    "ANDRE",
    "MERCIER",
    "DUPONT",
    "LAMBERT",
    "BONNET",
    "FRANCOIS",
    "MARTINEZ",
    "FAURE",
]
PRENOMS_ENFANT = [
    "Léa",
    "Hugo",
    "Jade",
    "Louis",
    "Emma",
    "Gabriel",
    "Alice",
    "Jules",
    "Chloé",
    "Arthur",
    "Lina",
    "Raphaël",
    "Rose",
    "Adam",
    "Anna",
    "Nathan",
    "Mila",
    "Tom",
    "Inès",
    "Noah",
]
PRENOMS_ADULTE = ["Claire", "Julien", "Sophie", "Karim", "Camille", "Paul", "Nadia", "Pierre", "Élodie", "Marc"]
# (service name, share of children enrolled, weekday patterns to draw from)
ENROLMENT = [
    ("RESTAURATION", 0.85, ["0134", "0134", "0134", "013", "0134", "14"]),
    ("GARDERIE MATIN", 0.30, ["0134", "03", "14", "0134"]),
    ("GARDERIE MIDI", 0.10, ["0134", "13"]),
    ("GARDERIE SOIR", 0.35, ["0134", "01", "134", "0134"]),
]


@dataclass
class VolumeStats:
    territory_id: int = 0
    communes: int = 0
    familles: int = 0
    responsables: int = 0
    enfants: int = 0
    inscriptions: int = 0
    cells: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def _school_days(year: SchoolYear, closed: set[dt.date]) -> dict[int, list[dt.date]]:
    """Open days of the year by weekday, closures removed."""
    days: dict[int, list[dt.date]] = {i: [] for i in range(7)}
    day = year.start_date
    while day <= year.end_date:
        if day not in closed:
            days[day.weekday()].append(day)
        day += dt.timedelta(days=1)
    return days


def _next_run_number() -> int:
    return Territory.objects.filter(slug__startswith="volume-").count() + 1


@transaction.atomic
def generate_volume(
    *, families: int, seed: int = 0, now: dt.datetime | None = None, commune_count: int | None = None
) -> VolumeStats:
    """`families` spread over `commune_count` communes (default: one per 400 families, at least two)."""
    started = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now)
    rng = random.Random(seed)
    stats = VolumeStats()
    run = _next_run_number()
    tick = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal tick
        stats.timings[name] = round(time.perf_counter() - tick, 2)
        tick = time.perf_counter()

    territory = Territory.objects.create(name=f"Territoire de volume {run}", slug=f"volume-{run}")
    n_communes = commune_count or max(2, -(-families // FAMILIES_PER_COMMUNE))
    communes = Commune.objects.bulk_create(
        Commune(territory=territory, name=f"Commune {run}-{i + 1}", slug=f"volume-{run}-{i + 1}", position=i)
        for i in range(n_communes)
    )
    etabs = Etablissement.objects.bulk_create(Etablissement(commune=c, name=f"École de {c.name}") for c in communes)
    years = SchoolYear.objects.bulk_create(
        SchoolYear(commune=c, label="2026-2027", start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 7, 3))
        for c in communes
    )
    rules = DeadlineRule.objects.bulk_create(DeadlineRule(commune=c, days=2, at_time=dt.time(23, 59)) for c in communes)
    PlanningDefaults.objects.bulk_create(
        PlanningDefaults(commune=c, booking_rule=r, cancel_rule=r) for c, r in zip(communes, rules, strict=True)
    )
    services_by_commune: list[dict[str, Service]] = []
    service_rows = []
    for etab in etabs:
        for position, (name, start, end, mode, _capacity, tracks, unit) in enumerate(SERVICES):
            service_rows.append(
                Service(
                    etablissement=etab,
                    name=name,
                    start_time=start,
                    end_time=end,
                    booking_mode=mode,
                    capacity=None,  # capacity is not what a volume benchmark measures
                    tracks_times=tracks,
                    billing_unit=unit,
                    position=position,
                )
            )
    Service.objects.bulk_create(service_rows)
    for i in range(n_communes):
        services_by_commune.append({s.name: s for s in service_rows[i * len(SERVICES) : (i + 1) * len(SERVICES)]})

    # The calendar: computed once (same zone everywhere), copied to each commune.
    public = public_holiday_periods(years[0])
    school = school_holiday_periods(years[0], "A")
    closed = {p.start + dt.timedelta(days=k) for p in public + school for k in range((p.end - p.start).days + 1)}
    day_types = DayType.objects.bulk_create(
        DayType(commune=c, code=code, label=label, colour=colour)
        for c in communes
        for code, (label, colour) in DAY_TYPES.items()
    )
    by_commune_code = {(d.commune_id, d.code): d for d in day_types}
    Closure.objects.bulk_create(
        Closure(
            commune=c,
            day_type=by_commune_code[(c.pk, code)],
            start_date=p.start,
            end_date=p.end,
            label=p.label,
            source=source,
        )
        for c in communes
        for code, source, periods in [
            ("F", Closure.Source.PUBLIC_HOLIDAYS, public),
            ("P", Closure.Source.SCHOOL_HOLIDAYS, school),
        ]
        for p in periods
    )
    school_days = _school_days(years[0], closed)
    stats.communes, stats.territory_id = n_communes, territory.pk
    lap("territory")

    familles = Famille.objects.bulk_create(
        Famille(
            commune=communes[i % n_communes],
            numero=f"7{run:03d}{i:08d}",
            city=communes[i % n_communes].name,
            direct_debit=rng.random() < 0.4,
        )
        for i in range(families)
    )
    password = make_password(DEMO_PASSWORD)  # once: every generated account shares it
    User = get_user_model()
    people: list[tuple[int, str, str, str]] = []  # (famille index, civilite, nom, prenom)
    for i in range(families):
        nom = rng.choice(NOMS)
        people.append((i, "Mme", nom, rng.choice(PRENOMS_ADULTE)))
        if rng.random() < 0.15:  # separated parents: a second login in the same family
            people.append((i, "M.", rng.choice(NOMS), rng.choice(PRENOMS_ADULTE)))
    users = User.objects.bulk_create(
        User(username=f"v{run}.{k}@example.org", email=f"v{run}.{k}@example.org", password=password)
        for k in range(len(people))
    )
    responsables = Responsable.objects.bulk_create(
        Responsable(famille=familles[i], user=user, civilite=civ, nom=nom, prenom=prenom, email=user.email)
        for (i, civ, nom, prenom), user in zip(people, users, strict=True)
    )
    payers: dict[int, list[Responsable]] = {}
    for (i, *_rest), responsable in zip(people, responsables, strict=True):
        payers.setdefault(i, []).append(responsable)
    lap("familles")

    enfants_rows = []
    for i, famille in enumerate(familles):
        for _k in range(rng.choices([1, 2, 3], weights=[45, 40, 15])[0]):
            enfants_rows.append(
                Enfant(
                    famille=famille,
                    nom=payers[i][0].nom,
                    prenom=rng.choice(PRENOMS_ENFANT),
                    birth_date=dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 8 * 365)),
                    etablissement=etabs[i % n_communes],
                )
            )
    enfants = Enfant.objects.bulk_create(enfants_rows, batch_size=2000)
    stats.familles, stats.responsables, stats.enfants = len(familles), len(responsables), len(enfants)

    inscriptions: list[Inscription] = []
    patterns: list[str] = []
    famille_index = {f.pk: i for i, f in enumerate(familles)}
    for enfant in enfants:
        i = famille_index[enfant.famille_id]
        services = services_by_commune[i % n_communes]
        year = years[i % n_communes]
        for name, share, choices in ENROLMENT:
            if rng.random() < share:
                inscriptions.append(
                    Inscription(
                        enfant=enfant,
                        service=services[name],
                        school_year=year,
                        responsable=rng.choice(payers[i]),
                        start_date=year.start_date,
                        end_date=year.end_date,
                    )
                )
                patterns.append(rng.choice(choices))
    Inscription.objects.bulk_create(inscriptions, batch_size=2000)
    ContratRegulier.objects.bulk_create(
        (
            ContratRegulier(inscription=ins, weekdays=pattern, start_date=ins.start_date, end_date=ins.end_date)
            for ins, pattern in zip(inscriptions, patterns, strict=True)
        ),
        batch_size=2000,
    )
    stats.inscriptions = len(inscriptions)
    lap("enfants_inscriptions")

    stats.cells = _insert_cells(_cell_rows(inscriptions, patterns, school_days, today, now, rng))
    lap("cells")
    stats.seconds = round(time.perf_counter() - started, 2)
    return stats


def _cell_rows(inscriptions, patterns, school_days, today, now, rng) -> Iterator[tuple]:
    """A regular pattern's year of cells: past days mostly present, future days booked."""
    since = now
    states_past = [CellState.PRESENT] * 92 + [CellState.ABSENCE_EXCUSED] * 5 + [CellState.ABSENCE_BILLED] * 3
    states_future = [CellState.BOOKED] * 96 + [CellState.ABSENCE_EXCUSED] * 4
    for ins, pattern in zip(inscriptions, patterns, strict=True):
        for weekday in pattern:
            for day in school_days[int(weekday)]:
                state = rng.choice(states_past if day < today else states_future)
                yield (ins.enfant_id, ins.service_id, day, state.value, since, True, "")


CELL_COLUMNS = ("enfant_id", "service_id", "date", "state", "state_since", "from_contrat", "note")


def _insert_cells(rows: Iterator[tuple]) -> int:
    return insert_rows(Cell, CELL_COLUMNS, rows)
