from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from marelle.privacy.purge import purge_departed


class Command(BaseCommand):
    help = (
        "Efface les enfants partis depuis plus de N ans (planning, demandes, inscriptions) et les familles "
        "restées sans enfant ni facture. Sans --apply, affiche seulement ce qui serait effacé."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            type=int,
            default=settings.RETENTION_YEARS,
            help="Durée de conservation en années après le départ (défaut : RETENTION_YEARS, %(default)s).",
        )
        parser.add_argument("--apply", action="store_true", help="Effacer vraiment (sinon : simulation).")

    def handle(self, *args, years: int, apply: bool, **options):
        if years < 1:
            raise CommandError("--years doit être au moins 1.")
        report = purge_departed(today=timezone.localdate(), years=years, apply=apply)
        verb = "effacé(e)s" if apply else "à effacer (simulation, --apply pour effacer)"
        self.stdout.write(f"Partis avant le {report.cutoff:%d/%m/%Y} ({years} an(s)) :")
        self.stdout.write(f"  enfants {verb} : {len(report.enfants)}")
        self.stdout.write(f"  familles {verb} : {len(report.familles)}")
        if report.familles_kept_unpaid:
            self.stdout.write(f"  familles sans enfant gardées, facture due : {len(report.familles_kept_unpaid)}")
        if report.familles_kept_accounting:
            self.stdout.write(
                f"  familles sans enfant gardées, factures ou paiements (comptabilité) : "
                f"{len(report.familles_kept_accounting)}"
            )
        for reason, enfants in sorted(report.kept_enfants.items()):
            label = "facturés (comptabilité)" if reason == "accounting" else reason
            self.stdout.write(f"  enfants partis gardés, {label} : {len(enfants)}")
        for reason, familles in sorted(report.kept.items()):
            if reason not in {"unpaid", "accounting"}:
                self.stdout.write(f"  familles sans enfant gardées ({reason}) : {len(familles)}")
        detail = ", ".join(f"{label} {n}" for label, n in sorted(report.deleted.items()) if n)
        if detail:
            self.stdout.write(f"  lignes effacées : {detail}")
