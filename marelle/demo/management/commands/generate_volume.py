from django.core.management.base import BaseCommand, CommandError

from marelle.demo.volume import generate_volume


class Command(BaseCommand):
    help = "Génère un territoire réaliste à grande échelle (familles, enfants, inscriptions, une année de cases)."

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, required=True, help="Nombre de familles")
        parser.add_argument("--seed", type=int, default=0, help="Graine du hasard (même graine, mêmes données)")

    def handle(self, *args, families: int, seed: int, **options):
        if families < 1:
            raise CommandError("--families doit être au moins 1.")
        stats = generate_volume(families=families, seed=seed)
        self.stdout.write(
            f"{stats.communes} communes, {stats.familles} familles, {stats.responsables} responsables, "
            f"{stats.enfants} enfants, {stats.inscriptions} inscriptions, {stats.cells} cases "
            f"en {stats.seconds} s {stats.timings}"
        )
