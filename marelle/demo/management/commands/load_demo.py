import os

from django.core.management.base import BaseCommand
from django.utils import timezone

from marelle.demo.data import DEMO_PASSWORD, delete_demo, load_demo


class Command(BaseCommand):
    help = "Charge le territoire de démonstration (sans effet s'il est déjà chargé ; --reset le recharge)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Supprime puis recharge les données de démo.")

    def handle(self, *args, reset: bool = False, **options):
        if reset:
            delete_demo()
        result = load_demo(now=timezone.now())
        if result.created:
            self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        else:
            self.stdout.write("Données de démonstration déjà présentes (--reset pour les recharger).")
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"\nPortail : http://127.0.0.1:{port}/   (entrée directe : http://127.0.0.1:{port}/portail/)")
        self.stdout.write(f"Mot de passe de tous les comptes de démo : {DEMO_PASSWORD}")
        for identifiant, who in result.logins:
            self.stdout.write(f"  {identifiant:<36} {who}")
