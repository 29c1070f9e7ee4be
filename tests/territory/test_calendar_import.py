import datetime as dt

from django.core.management import call_command

from marelle.territory.models import Closure
from marelle.territory.services import import_public_holidays, import_school_holidays


def test_public_holidays_of_the_school_year_become_f_closures(world):
    created, _ = import_public_holidays(commune=world.commune, school_year=world.school_year)
    noel = Closure.objects.get(commune=world.commune, start_date=dt.date(2026, 12, 25))
    assert noel.day_type.code == "F" and noel.end_date == noel.start_date and noel.label == "Noël"
    assert created == Closure.objects.filter(commune=world.commune).count()
    # 1 Nov, 11 Nov, 25 Dec, 1 Jan, Easter Monday, 1 May, 8 May, Ascension, Whit Monday.
    assert created == 9


def test_school_holidays_zone_a_are_one_p_closure_per_period(world):
    import_school_holidays(commune=world.commune, school_year=world.school_year)
    noel = Closure.objects.get(commune=world.commune, label="Vacances de Noël")
    assert noel.day_type.code == "P"
    assert (noel.start_date, noel.end_date) == (dt.date(2026, 12, 19), dt.date(2027, 1, 3))
    hiver = Closure.objects.get(commune=world.commune, label="Vacances d'hiver")
    assert hiver.start_date == dt.date(2027, 2, 13)  # zone A, February 2027


def test_reimporting_creates_no_duplicates(world):
    import_public_holidays(commune=world.commune, school_year=world.school_year)
    import_school_holidays(commune=world.commune, school_year=world.school_year)
    count = Closure.objects.count()
    assert import_public_holidays(commune=world.commune, school_year=world.school_year) == (0, 0)
    assert import_school_holidays(commune=world.commune, school_year=world.school_year) == (0, 0)
    call_command("import_calendar", year="2026-2027", commune="chatte")
    assert Closure.objects.count() == count
    assert world.commune.day_types.filter(code__in=["F", "P"]).count() == 2
