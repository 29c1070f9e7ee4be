"""Pending online payments the bank never confirmed become expired (run every few minutes)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from marelle.billing.services.payments_online import payments_expire


class Command(BaseCommand):
    help = "Marque expirés les paiements en ligne jamais confirmés par la banque."

    def handle(self, *args, **options):
        count = payments_expire(now=timezone.now())
        self.stdout.write(f"{count} paiement(s) expiré(s)")
