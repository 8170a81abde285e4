"""manage.py eval_injection --data F [--json] [--model M] [--limit N]: prompt-injection detector quality."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ai.evaluation.injection_eval import EvalInputError, evaluate, format_table, load_labelled_texts


class Command(BaseCommand):
    help = (
        "Accuracy, precision, recall and false-positive rate of the prompt-injection detector on labelled "
        "texts (CSV or JSON lines with text,label; 1 = injection), or on {'emails': [...]} files of benign "
        "emails (LLMail-Inject format, all label 0). See ai/evaluation/injection_eval.py."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data", required=True, help="CSV / JSONL / {'emails': [...]} JSON file, or a folder of them"
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="end with one JSON line of the results"
        )
        parser.add_argument(
            "--model", default=None, help="classifier weights to use instead of the shipped ones"
        )
        parser.add_argument("--limit", type=int, default=None, help="evaluate only the first N texts")

    def handle(self, *args, data: str, as_json: bool, model: str | None, limit: int | None, **options):
        try:
            items = load_labelled_texts(data, limit=limit)
            report = evaluate(
                items,
                model_path=model,
                progress=lambda rows: tqdm(rows, desc="eval_injection", unit="text", file=sys.stderr),
            )
        except (OSError, EvalInputError) as error:
            raise CommandError(f"cannot evaluate {data}: {error}")
        self.stdout.write(format_table(report))
        if as_json:
            self.stdout.write(json.dumps(report.to_json_dict(), separators=(",", ":")))
