from django.core.management import call_command

from marelle.families.models import Enfant, Famille
from marelle.planning.models import Cell, CellState, Inscription
from marelle.territory.models import Closure


def test_generate_volume_builds_a_territory_with_a_year_of_cells(db, capsys):
    call_command("generate_volume", families=40, seed=1)
    out = capsys.readouterr().out
    assert "40 familles" in out
    assert Famille.objects.count() == 40
    assert Enfant.objects.count() >= 40
    assert Inscription.objects.count() > 0
    cells = Cell.objects.all()
    assert cells.count() > 40 * 50
    assert cells.filter(state=CellState.BOOKED).exists()
    # No booking on a closed day: the calendar is taken into account.
    noel = Closure.objects.filter(label="Vacances de Noël").first()
    assert not cells.filter(date__range=(noel.start_date, noel.end_date)).exists()
    # Every generated responsable can log in with the shared demo password.
    famille = Famille.objects.first()
    assert famille.responsables.first().user.check_password("marelle-demo")


def test_generate_volume_twice_adds_a_second_territory(db):
    call_command("generate_volume", families=5)
    call_command("generate_volume", families=5)
    assert Famille.objects.count() == 10
