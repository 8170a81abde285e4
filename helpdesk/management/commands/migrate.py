"""`migrate` that reports a server without pgvector as one clear message instead of a stack trace.

The pgvector system check already stops a plain `migrate`; this covers `migrate --skip-checks`, where
the failure comes from the migration that enables the extension (helpdesk.db_checks)."""

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrateCommand

from helpdesk.db_checks import PgvectorMissing


class Command(DjangoMigrateCommand):
    def handle(self, *args, **options):
        try:
            return super().handle(*args, **options)
        except PgvectorMissing as exc:
            raise CommandError(str(exc)) from None
