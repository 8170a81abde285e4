"""manage.py eval_triage --train TRAIN.csv --test TEST.csv [--oos-label oos] [--threshold T] [--json]"""

from __future__ import annotations

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ai.evaluation.triage_eval import evaluate, format_table, json_summary, read_labelled_csv


class Command(BaseCommand):
    help = (
        "Train the triage history model on TRAIN (nothing is written to the database) and score TEST: "
        "accuracy, macro-F1, misroutes and triage-queue share at the threshold, few-shot, out-of-scope."
    )

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True, help="CSV with a header row: text,label")
        parser.add_argument("--test", required=True, help="CSV with a header row: text,label")
        parser.add_argument("--oos-label", default=None, help="the label that marks out-of-scope rows")
        parser.add_argument("--threshold", type=float, default=None,
                            help="confidence threshold (default: tuned on TRAIN's oos rows, else the product default)")  # fmt: skip
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", action="store_true", dest="as_json", help="end with one JSON line")

    def handle(self, *args, train, test, oos_label, threshold, seed, as_json, **options):
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold must be between 0 and 1")
        try:
            train_data, test_data = read_labelled_csv(train), read_labelled_csv(test)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"cannot read the CSV files: {error}")
        result = evaluate(
            train=train_data, test=test_data, oos_label=oos_label, threshold=threshold, seed=seed,
            cache_dir=settings.VAR_DIR / "cache" / "triage",
            log=lambda line: print(line, file=sys.stderr, flush=True),
        )  # fmt: skip
        self.stdout.write(format_table(result))
        if as_json:
            self.stdout.write(json.dumps(json_summary(result), separators=(",", ":")))
