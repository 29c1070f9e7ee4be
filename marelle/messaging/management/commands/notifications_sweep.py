"""Hand the due pending notification emails to the worker again.

Retries are queued by the worker itself (with `run_after`); this sweep is the safety net for
a hand-over that was lost (a crash between the commit and the enqueue, a purged task table).
Run it from cron every few minutes, or with --every N next to `manage.py db_worker`.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from marelle.messaging.services import sweep


class Command(BaseCommand):
    help = "Re-enqueue the notification emails that are due (pending) so that none is lost."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="loop, sweeping every N seconds")

    def handle(self, *args, every: int = 0, **options):
        while True:
            count = sweep()
            if options["verbosity"] > 1 or (count and not every):
                self.stdout.write(f"{count} courriel(s) remis au worker")
            if not every:
                return
            time.sleep(every)
