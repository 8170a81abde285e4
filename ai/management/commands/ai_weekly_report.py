"""manage.py ai_weekly_report [--week YYYY-Www] [--json] [--sample] [--mail]: build (idempotently)
and print the weekly AI evaluation report. With --json the last line is the figures as one JSON line."""

import json

from django.core.management.base import BaseCommand, CommandError

from ai.evaluation.weekly.stats import last_complete_week, week_parse
from ai.services.weekly import review_sample_create, summary_text, weekly_report_build, weekly_report_mail


class Command(BaseCommand):
    help = "Build (or rebuild) the weekly AI evaluation report and print it."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: the last complete week)")
        parser.add_argument("--json", action="store_true", help="end with the figures as one JSON line")
        parser.add_argument("--sample", action="store_true", help="also top up the week's review sample")
        parser.add_argument("--mail", action="store_true", help="also mail the summary to admins (once)")

    def handle(self, *args, **options):
        try:
            week = week_parse(options["week"]) if options["week"] else last_complete_week()
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["sample"]:
            review_sample_create(week=week)
        report = weekly_report_build(week=week)
        if options["mail"]:
            weekly_report_mail(report=report)
        self.stdout.write(summary_text(report))
        if options["json"]:
            self.stdout.write(json.dumps(report.data, sort_keys=True, default=str))
