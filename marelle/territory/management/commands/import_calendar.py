from django.core.management.base import BaseCommand, CommandError

from marelle.territory.models import SchoolYear
from marelle.territory.services import import_public_holidays, import_school_holidays


class Command(BaseCommand):
    help = "Importe les jours fériés et les vacances scolaires (zone de la commune) d'une année scolaire."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Libellé de l'année scolaire, ex. 2026-2027")
        parser.add_argument("--commune", help="Identifiant (slug) de la commune ; toutes si absent")

    def handle(self, *args, year: str, commune: str | None, **options):
        years = SchoolYear.objects.filter(label=year).select_related("commune")
        if commune:
            years = years.filter(commune__slug=commune)
        if not years:
            raise CommandError(f"Aucune année scolaire {year!r}{' pour ' + commune if commune else ''}.")
        for school_year in years:
            fc, fu = import_public_holidays(commune=school_year.commune, school_year=school_year)
            pc, pu = import_school_holidays(commune=school_year.commune, school_year=school_year)
            self.stdout.write(
                f"{school_year.commune} {school_year.label} : jours fériés {fc} créés, {fu} mis à jour ; "
                f"vacances {pc} créées, {pu} mises à jour"
            )
