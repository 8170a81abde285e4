"""manage.py eval_answers: correct / wrong / handoff rates of the answer pipeline on a question set."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ai.evaluation.answers_eval import run_answer_evaluation
from knowledge.evaluation.retrieval_eval import EvalInputError


class Command(BaseCommand):
    help = (
        "Load documents (JSONL: doc_id, text, title?) into a throwaway knowledge base and answer questions "
        "(JSONL: id, question, gold_doc_id(s), history?): correct = answered citing a gold document, "
        "wrong = answered otherwise, handoff = handed to a person."
    )

    def add_arguments(self, parser):
        parser.add_argument("--documents", required=True, type=Path)
        parser.add_argument("--questions", required=True, type=Path)
        parser.add_argument("--history", action="store_true", help="use each question's dialogue history")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON on the last line")
        parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
        parser.add_argument("--threshold", type=float, default=None, help="default: AISettings threshold")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--dump", type=Path, default=None, help="write per-question outcomes (JSONL)")
        parser.add_argument(
            "--skip-rule",
            action="append",
            default=[],
            metavar="KIND",
            help="leave out the default handoff rules of this kind (e.g. low_confidence); repeatable",
        )

    def handle(self, *args, **options):
        if options["dump"]:  # a missing folder must not cost the run, found only when it is written
            Path(options["dump"]).parent.mkdir(parents=True, exist_ok=True)
        try:
            report = run_answer_evaluation(
                options["documents"],
                options["questions"],
                use_history=options["history"],
                limit=options["limit"],
                threshold=options["threshold"],
                show_progress=not options["no_progress"],
                skip_rule_kinds=tuple(options["skip_rule"]),
            )
        except EvalInputError as exc:
            raise CommandError(str(exc))
        if options["dump"]:
            with open(options["dump"], "w") as handle:
                for outcome in report.outcomes:
                    handle.write(json.dumps(asdict(outcome)) + "\n")
        self.stdout.write(report.table())
        if options["json"]:
            self.stdout.write(json.dumps(report.summary()))
