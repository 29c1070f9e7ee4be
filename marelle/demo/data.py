"""The demo territory: the guide's communes, two open communes with schools and services,
the guide's family ZTEST and a few others, agents and an administrator.

Everything here is demo data, created by `manage.py load_demo`; no product code imports it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from marelle.billing.models import Facture, Payment, allow_invoice_deletion
from marelle.demo.billing import delete_demo_billing, load_demo_billing, load_demo_last_month
from marelle.demo.inbox import load_demo_inbox
from marelle.families.models import Enfant, Famille, Responsable
from marelle.messaging.models import Message
from marelle.planning.models import DeadlineRule, Inscription, PlanningDefaults, Service
from marelle.territory.models import Agent, Closure, Commune, DayType, Etablissement, SchoolYear, Territory
from marelle.territory.services import import_public_holidays, import_school_holidays

DEMO_PASSWORD = "marelle-demo"  # noqa: S105 - published in the README, demo only
TERRITORY_SLUG = "sud-gresivaudan"
ZTEST_NUMERO = "381623867924"
ADMIN_EMAIL = "admin@example.org"

OPEN, SOON, OWN = Commune.Status.OPEN, Commune.Status.SOON, Commune.Status.OWN_PORTAL

# The guide's list, in its order: (name, slug, website, status, colour). Colours are dark
# enough for white text on the header (contrast ≥ 4.5:1).
COMMUNES = [
    ("Bessins", "bessins", "http://www.bessins.fr", OPEN, "#1f5f8b"),
    ("Chatte", "chatte", "http://www.commune-chatte.fr", OPEN, "#8b1f4f"),
    ("Chevrières", "chevrieres", "http://www.chevrieres.fr", OPEN, "#2e6b30"),
    ("Dionay", "dionay", "http://www.dionay.fr", OPEN, "#7a4a00"),
    ("La Sône", "la-sone", "", SOON, "#5b3a8c"),
    ("Montagne", "montagne", "", SOON, "#00626b"),
    ("Murinais", "murinais", "http://www.murinai.fr", OPEN, "#a03000"),
    ("Saint-Antoine-l'Abbaye", "saint-antoine-labbaye", "http://www.saint-antoine-labbaye.fr", OPEN, "#2d4e6b"),
    ("Saint-Appolinard", "saint-appolinard", "http://www.saint-appolinard.fr", OPEN, "#6b2d2d"),
    ("Saint-Bonnet-de-Chavagne", "saint-bonnet-de-chavagne", "http://www.saint-bonnet-de-chavagne.fr", OPEN, "#4a5d23"),
    ("Saint-Hilaire-du-Rosier", "saint-hilaire-du-rosier", "http://www.saint-hilaire-du-rosier.fr", OPEN, "#7b3f61"),
    ("Saint-Lattier", "saint-lattier", "", SOON, "#0f5f4f"),
    ("Saint-Sauveur", "saint-sauveur", "http://www.saintsauveur38.fr", OPEN, "#3d5a80"),
    ("Saint-Vérand", "saint-verand", "http://www.saint-verand.fr", OPEN, "#8a3b12"),
    ("Têche", "teche", "http://www.teche.fr", OPEN, "#5a3d75"),
    ("Beaulieu", "beaulieu", "http://www.beaulieu.sud-gresivaudan.org", OPEN, "#6d4c00"),
    ("Saint-Marcellin", "saint-marcellin", "http://www.saint-marcellin.fr", OWN, "#7d1d3f"),
]
SAINT_MARCELLIN_PORTAL = "https://www.saint-marcellin.fr/mes-demarches/portail-famille"

# (name, start, end, booking mode, capacity, tracks times, billing unit)
SERVICES = [
    ("GARDERIE MATIN", dt.time(7, 30), dt.time(8, 30), "automatic", 30, True, "half_hour"),
    ("GARDERIE MIDI", dt.time(11, 30), dt.time(12, 15), "automatic", 30, False, "day"),
    ("RESTAURATION", dt.time(11, 45), dt.time(13, 30), "validation", 60, False, "day"),
    ("GARDERIE SOIR", dt.time(16, 30), dt.time(18, 30), "automatic", 30, True, "half_hour"),
]
SCHOOLS = {"chatte": "École primaire de Chatte", "saint-antoine-labbaye": "École de Saint-Antoine-l'Abbaye"}
SCHOOL_YEAR = ("2026-2027", dt.date(2026, 9, 1), dt.date(2027, 7, 3))
AGENTS = {"chatte": "agent.chatte@example.org", "saint-antoine-labbaye": "agent.saint-antoine@example.org"}


@dataclass
class DemoResult:
    created: bool
    logins: list[tuple[str, str]]  # (identifiant, who)


def demo_present() -> bool:
    return Famille.objects.filter(numero=ZTEST_NUMERO).exists()


def logins() -> list[tuple[str, str]]:
    return [
        ("ztest@example.org", "Madame ZTEST PAYS (ou le n° famille 381623867924)"),
        ("julien.martin@example.org", "Monsieur MARTIN Julien, parent séparé (Chatte)"),
        ("sophie.bernard@example.org", "Madame BERNARD Sophie, parent séparé (Chatte)"),
        ("camille.dupont@example.org", "Madame DUPONT Camille, deux enfants (Saint-Antoine-l'Abbaye)"),
        (AGENTS["chatte"], "agent de Chatte (/gestion/)"),
        (AGENTS["saint-antoine-labbaye"], "agent de Saint-Antoine-l'Abbaye (/gestion/)"),
        (ADMIN_EMAIL, "administrateur (/admin/)"),
    ]


def delete_demo() -> None:
    """Remove the demo territory and everything hanging from it, in PROTECT-safe order."""
    territory = Territory.objects.filter(slug=TERRITORY_SLUG).first()
    if territory is None:
        return
    communes = Commune.objects.filter(territory=territory)
    familles = Famille.objects.filter(commune__in=communes)
    users = list(Responsable.objects.filter(famille__in=familles).values_list("user_id", flat=True))
    users += list(Agent.objects.filter(communes__in=communes).values_list("user_id", flat=True))
    with allow_invoice_deletion():  # issued invoices are otherwise never deleted
        delete_demo_billing(familles, communes)
    Inscription.objects.filter(enfant__famille__in=familles).delete()
    familles.delete()
    Closure.objects.filter(commune__in=communes).delete()
    Service.objects.filter(etablissement__commune__in=communes).delete()
    PlanningDefaults.objects.filter(commune__in=communes).delete()
    DeadlineRule.objects.filter(commune__in=communes).delete()
    DayType.objects.filter(commune__in=communes).delete()
    Etablissement.objects.filter(commune__in=communes).delete()
    SchoolYear.objects.filter(commune__in=communes).delete()
    communes.delete()
    territory.delete()
    get_user_model().objects.filter(pk__in=[u for u in users if u]).delete()
    get_user_model().objects.filter(username=ADMIN_EMAIL).delete()


class _Builder:
    def __init__(self) -> None:
        # Hashed once: Argon2 is deliberately slow, and every demo account shares the password.
        self.password_hash = make_password(DEMO_PASSWORD)

    def user(self, email: str, first: str = "", last: str = "", **extra):
        return get_user_model().objects.create(
            username=email, email=email, first_name=first, last_name=last, password=self.password_hash, **extra
        )

    def responsable(self, famille: Famille, civilite: str, nom: str, prenom: str, email: str, phone: str = ""):
        return Responsable.objects.create(
            famille=famille,
            user=self.user(email, prenom, nom),
            civilite=civilite,
            nom=nom,
            prenom=prenom,
            email=email,
            phone=phone,
        )


def enrol(enfant: Enfant, services: dict[str, Service], names: list[str], payer: Responsable, year: SchoolYear):
    for name in names:
        Inscription.objects.create(
            enfant=enfant,
            service=services[name],
            school_year=year,
            responsable=payer,
            start_date=year.start_date,
            end_date=year.end_date,
        )


@transaction.atomic
def load_demo(*, now: dt.datetime) -> DemoResult:
    if demo_present():
        return DemoResult(created=False, logins=logins())
    b = _Builder()
    territory = Territory.objects.create(name="Sud-Grésivaudan", slug=TERRITORY_SLUG)
    communes: dict[str, Commune] = {}
    for position, (name, slug, website, status, colour) in enumerate(COMMUNES):
        communes[slug] = Commune.objects.create(
            territory=territory,
            name=name,
            slug=slug,
            website=website,
            status=status,
            colour=colour,
            position=position,
            own_portal_url=SAINT_MARCELLIN_PORTAL if status == OWN else "",
            school_holiday_zone="A",  # Isère
        )

    services: dict[str, dict[str, Service]] = {}
    years: dict[str, SchoolYear] = {}
    schools: dict[str, Etablissement] = {}
    for slug, school_name in SCHOOLS.items():
        commune = communes[slug]
        rule = DeadlineRule.objects.create(
            commune=commune,
            label="2 jours avant, 23h59",
            kind=DeadlineRule.Kind.CALENDAR_DAYS,
            days=2,
            at_time=dt.time(23, 59),
        )
        PlanningDefaults.objects.create(commune=commune, booking_rule=rule, cancel_rule=rule)
        schools[slug] = Etablissement.objects.create(commune=commune, name=school_name)
        services[slug] = {}
        for position, (name, start, end, mode, capacity, tracks, unit) in enumerate(SERVICES):
            services[slug][name] = Service.objects.create(
                etablissement=schools[slug],
                name=name,
                start_time=start,
                end_time=end,
                weekdays="0134",
                capacity=capacity,
                booking_mode=mode,
                tracks_times=tracks,
                billing_unit=unit,
                position=position,
            )
        label, start, end = SCHOOL_YEAR
        years[slug] = SchoolYear.objects.create(commune=commune, label=label, start_date=start, end_date=end)
        import_public_holidays(commune=commune, school_year=years[slug])
        import_school_holidays(commune=commune, school_year=years[slug])

    all_four = [name for name, *_rest in SERVICES]
    chatte, stant = "chatte", "saint-antoine-labbaye"

    # The guide's family.
    ztest = Famille.objects.create(
        commune=communes[chatte],
        numero=ZTEST_NUMERO,
        address="1 place de la Mairie",
        postal_code="38160",
        city="Chatte",
        email="ztest@example.org",
    )
    pays = b.responsable(ztest, "Mme", "ZTEST", "PAYS", "ztest@example.org", "06 00 00 00 01")
    commune_ztest = Enfant.objects.create(
        famille=ztest,
        nom="ZTEST",
        prenom="COMMUNE",
        birth_date=dt.date(2016, 1, 1),
        etablissement=schools[chatte],
        classe="CM2",
    )
    enrol(commune_ztest, services[chatte], all_four, pays, years[chatte])
    Message.objects.create(
        famille=ztest,
        subject="Bienvenue sur le portail famille",
        body="Vous pouvez désormais réserver la restauration et les garderies de vos enfants depuis ce portail.",
    )

    # Separated parents: each logs in, pays different services and acts only on those (the
    # other's rows are read-only), sees only their own invoices and contact details.
    martin = Famille.objects.create(
        commune=communes[chatte],
        numero="381600000102",
        city="Chatte",
        postal_code="38160",
        direct_debit=True,
        shared_access=False,
    )
    julien = b.responsable(martin, "M.", "MARTIN", "Julien", "julien.martin@example.org", "06 00 00 00 02")
    sophie = b.responsable(martin, "Mme", "BERNARD", "Sophie", "sophie.bernard@example.org", "06 00 00 00 03")
    lea = Enfant.objects.create(
        famille=martin,
        nom="MARTIN",
        prenom="Léa",
        birth_date=dt.date(2018, 3, 14),
        birth_place="Saint-Marcellin",
        etablissement=schools[chatte],
        classe="CE2",
    )
    enrol(lea, services[chatte], ["RESTAURATION", "GARDERIE MIDI"], julien, years[chatte])
    enrol(lea, services[chatte], ["GARDERIE MATIN", "GARDERIE SOIR"], sophie, years[chatte])

    roux = Famille.objects.create(commune=communes[chatte], numero="381600000103", city="Chatte")
    roux_parent = b.responsable(roux, "M.", "ROUX", "Karim", "karim.roux@example.org")
    nina = Enfant.objects.create(
        famille=roux,
        nom="ROUX",
        prenom="Nina",
        birth_date=dt.date(2020, 9, 2),
        etablissement=schools[chatte],
        classe="GS",
    )
    enrol(nina, services[chatte], ["RESTAURATION"], roux_parent, years[chatte])

    dupont = Famille.objects.create(
        commune=communes[stant], numero="381600000201", city="Saint-Antoine-l'Abbaye", postal_code="38160"
    )
    camille = b.responsable(dupont, "Mme", "DUPONT", "Camille", "camille.dupont@example.org", "06 00 00 00 04")
    for prenom, born, classe, names in [
        ("Hugo", dt.date(2017, 6, 21), "CM1", ["RESTAURATION", "GARDERIE SOIR"]),
        ("Jade", dt.date(2021, 2, 11), "MS", ["GARDERIE MATIN", "RESTAURATION", "GARDERIE SOIR"]),
    ]:
        child = Enfant.objects.create(
            famille=dupont,
            nom="DUPONT",
            prenom=prenom,
            birth_date=born,
            etablissement=schools[stant],
            classe=classe,
        )
        enrol(child, services[stant], names, camille, years[stant])
    # An issued invoice partly paid, so that the Accueil shows an unpaid one and a balance.
    facture = Facture.objects.create(
        famille=dupont,
        responsable=camille,
        number="SAA-2026-000001",
        issued_on=dt.date(2026, 10, 5),
        due_on=dt.date(2026, 10, 31),
        total=Decimal("86.40"),
    )
    Payment.objects.create(
        famille=dupont, facture=facture, amount=Decimal("40.00"), received_on=dt.date(2026, 10, 20), method="cheque"
    )

    girard = Famille.objects.create(commune=communes[stant], numero="381600000202", city="Saint-Antoine-l'Abbaye")
    girard_parent = b.responsable(girard, "M.", "GIRARD", "Paul", "paul.girard@example.org")
    tom = Enfant.objects.create(
        famille=girard,
        nom="GIRARD",
        prenom="Tom",
        birth_date=dt.date(2019, 11, 30),
        etablissement=schools[stant],
        classe="CE1",
    )
    enrol(tom, services[stant], ["GARDERIE MATIN", "RESTAURATION"], girard_parent, years[stant])

    agents = {}
    for slug, email in AGENTS.items():
        agent = Agent.objects.create(user=b.user(email, "Agent", communes[slug].name, is_staff=True))
        agent.communes.set([communes[slug]])
        agents[slug] = agent
    b.user(ADMIN_EMAIL, "Admin", "Marelle", is_staff=True, is_superuser=True)

    load_demo_billing(
        communes={slug: communes[slug] for slug in SCHOOLS},
        services=services,
        school_start=SCHOOL_YEAR[1],
        agents=agents.values(),
    )
    _load_planning(now)
    load_demo_last_month(now=now, commune=communes[chatte], mandate_payer=julien)
    load_demo_inbox(now=now, commune=communes[chatte], parent=pays, agent=agents[chatte].user)
    return DemoResult(created=True, logins=logins())


def _load_planning(now: dt.datetime) -> None:
    """Booked days and a pending demande for ZTEST, written by the planning's own demo module."""
    try:
        from marelle.demo.planning import load_demo_planning
    except ImportError:
        return
    load_demo_planning(now)
