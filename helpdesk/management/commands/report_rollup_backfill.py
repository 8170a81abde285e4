"""`manage.py report_rollup_backfill`: rebuild the report roll-up from the tickets (after a bulk load
or a restore that bypassed the model signals; see helpdesk/services/report_rollup.py)."""

import time

from django.core.management.base import BaseCommand
from django.db import connection

from helpdesk.services.report_rollup import ROLLUP_TABLE, rollup_backfill


class Command(BaseCommand):
    help = "Rebuild the daily report roll-up from the source tables."

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = rollup_backfill(
            log=lambda line: self.stdout.write(f"  {line}") if options["verbosity"] > 1 else None
        )
        with connection.cursor() as cursor:  # fresh statistics and visibility map: index-only reads
            cursor.execute(f"VACUUM ANALYZE {ROLLUP_TABLE}")
        self.stdout.write(f"report roll-up rebuilt: {rows} day rows in {time.monotonic() - started:.1f} s")
