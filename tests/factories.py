"""factory-boy factories for the whole domain; tests build exactly the data they need."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from marelle.families.models import Enfant, Famille, Responsable
from marelle.planning.models import Cell, CellState, Inscription, Service
from marelle.territory.models import Agent, Closure, Commune, DayType, Etablissement, SchoolYear, Territory

PASSWORD = "Marelle-test-2026"


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ["slug"]

    name = "Sud-Grésivaudan"
    slug = "sud-gresivaudan"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Commune {n}")
    slug = factory.Sequence(lambda n: f"commune-{n}")
    insee_code = factory.Sequence(lambda n: f"38{n % 1000:03d}")  # INSEE codes have 5 characters
    colour = "#1f5f8b"


class EtablissementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Etablissement

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"École {n}")


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear

    commune = factory.SubFactory(CommuneFactory)
    label = "2026-2027"
    start_date = dt.date(2026, 9, 1)
    end_date = dt.date(2027, 7, 3)


class DayTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DayType
        django_get_or_create = ["commune", "code"]

    commune = factory.SubFactory(CommuneFactory)
    code = "F"
    label = "Jour férié / fermeture"


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    commune = factory.SubFactory(CommuneFactory)
    day_type = factory.SubFactory(DayTypeFactory, commune=factory.SelfAttribute("..commune"))
    start_date = dt.date(2026, 12, 25)
    end_date = dt.date(2026, 12, 25)
    label = "Noël"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.org")
    email = factory.SelfAttribute("username")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class FamilleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Famille

    commune = factory.SubFactory(CommuneFactory)
    numero = factory.Sequence(lambda n: f"3816{n:08d}")
    email = factory.Sequence(lambda n: f"famille{n}@example.org")


class ResponsableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsable

    famille = factory.SubFactory(FamilleFactory)
    user = factory.SubFactory(UserFactory)
    civilite = "Mme"
    nom = factory.Sequence(lambda n: f"NOM{n}")
    prenom = "Claire"
    email = factory.SelfAttribute("user.email")


class EnfantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enfant

    famille = factory.SubFactory(FamilleFactory)
    nom = factory.SelfAttribute("famille.numero")
    prenom = factory.Sequence(lambda n: f"Enfant{n}")
    birth_date = dt.date(2018, 5, 17)
    etablissement = factory.SubFactory(EtablissementFactory, commune=factory.SelfAttribute("..famille.commune"))


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    etablissement = factory.SubFactory(EtablissementFactory)
    name = factory.Sequence(lambda n: f"SERVICE {n}")
    start_time = dt.time(11, 45)
    end_time = dt.time(13, 30)
    weekdays = "0134"
    booking_mode = Service.BookingMode.VALIDATION


class InscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inscription

    enfant = factory.SubFactory(EnfantFactory)
    service = factory.SubFactory(ServiceFactory, etablissement=factory.SelfAttribute("..enfant.etablissement"))
    school_year = factory.SubFactory(SchoolYearFactory, commune=factory.SelfAttribute("..enfant.famille.commune"))
    responsable = factory.SubFactory(ResponsableFactory, famille=factory.SelfAttribute("..enfant.famille"))
    start_date = factory.SelfAttribute("school_year.start_date")
    end_date = factory.SelfAttribute("school_year.end_date")


class CellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cell

    enfant = factory.SubFactory(EnfantFactory)
    service = factory.SubFactory(ServiceFactory)
    date = dt.date(2026, 12, 7)
    state = CellState.BOOKED
    state_since = factory.LazyFunction(timezone.now)


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, is_staff=True)

    @factory.post_generation
    def communes(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.communes.set(extracted)
