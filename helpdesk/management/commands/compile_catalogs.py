"""`manage.py compile_catalogs`: locale/*.po -> .mo with Babel (no GNU gettext needed); see core.catalogs.

Run by `make install` (so `make run` and `make test` have them) and by the test session. Only stale
catalogs are compiled; --force compiles all, --check only reports placeholder mismatches."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.catalogs import CatalogError, check_catalog, compile_catalogs, po_files


class Command(BaseCommand):
    help = "Compile the translation catalogs (locale/*/LC_MESSAGES/*.po) to .mo files."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compile even catalogs that are current.")
        parser.add_argument("--check", action="store_true", help="Only check placeholders; write nothing.")

    def handle(self, *args, force=False, check=False, **options):
        locale_dirs = list(settings.LOCALE_PATHS)
        try:
            if check:
                problems = [problem for po in po_files(locale_dirs) for problem in check_catalog(po)]
                if problems:
                    raise CommandError("\n".join(problems))
                self.stdout.write(f"{len(po_files(locale_dirs))} catalogs checked, no problems.")
                return
            result = compile_catalogs(locale_dirs, force=force)
        except CatalogError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{len(result.compiled)} catalogs compiled, {len(result.skipped)} current.")
