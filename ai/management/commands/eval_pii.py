"""manage.py eval_pii --data F [--json] [--limit N]: PII redaction quality on the Presidio synthetic format."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ai.evaluation.pii_eval import evaluate, format_table, load_samples
from gateway.pii import pii_engine_status


class Command(BaseCommand):
    help = "Per-entity precision/recall and the share of PII characters left visible (see ai/evaluation/pii_eval.py)."

    def add_arguments(self, parser):
        parser.add_argument("--data", required=True, help="JSON list or JSON lines: full_text + spans")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="end with one JSON line of the results"
        )
        parser.add_argument("--limit", type=int, default=None, help="evaluate only the first N samples")

    def handle(self, *args, data: str, as_json: bool, limit: int | None, **options):
        try:
            samples = load_samples(data, limit=limit)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"cannot read {data}: {error}")
        report = evaluate(
            samples, progress=lambda items: tqdm(items, desc="eval_pii", unit="sample", file=sys.stderr)
        )
        status = pii_engine_status()
        self.stdout.write(f"engine: {status.mode} ({status.message})")
        self.stdout.write(format_table(report))
        if as_json:
            self.stdout.write(json.dumps(report.to_json_dict(), separators=(",", ":")))
