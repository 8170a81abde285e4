"""manage.py eval_retrieval: score hybrid / vector / full-text retrieval on a document + question set."""

from __future__ import annotations

import json
import signal
import sys
from dataclasses import replace
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledge.evaluation.retrieval_eval import BASELINE, MODES, EvalInputError, run_evaluation
from knowledge.selectors.search import DEFAULT_TUNING


class Command(BaseCommand):
    help = (
        "Load documents (JSONL: doc_id, text, title?) into a throwaway knowledge base and score questions "
        "(JSONL: id, question, gold_doc_id, history?) for vector-only, full-text-only and hybrid retrieval."
    )

    def add_arguments(self, parser):
        parser.add_argument("--documents", required=True, type=Path)
        parser.add_argument("--questions", required=True, type=Path)
        parser.add_argument("--history", action="store_true", help="use each question's dialogue history")
        parser.add_argument("--json", action="store_true", help="print the metrics as JSON on the last line")
        parser.add_argument("--k", type=int, default=10, help="MRR cut-off (hit@1/5/10 are always reported)")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--baseline",
            action="store_true",
            help="also score plain BM25 + sentence-encoder RRF (the reference)",
        )
        # Tuning knobs, for experiments; the defaults are the tuned values (docs/retrieval.md).
        parser.add_argument("--rrf-k", type=int, default=DEFAULT_TUNING.rrf_k)
        parser.add_argument("--depth", type=int, default=DEFAULT_TUNING.depth)
        parser.add_argument("--text-weight", type=float, default=DEFAULT_TUNING.text_weight)
        parser.add_argument("--history-decay", type=float, default=DEFAULT_TUNING.history_decay)

    def handle(self, *args, **options):
        # A plain `kill` must still drop the throwaway database: turn SIGTERM into SystemExit so the
        # cleanup in run_evaluation's finally blocks runs.
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
        try:
            self._evaluate(options)
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _evaluate(self, options):
        tuning = replace(
            DEFAULT_TUNING,
            rrf_k=options["rrf_k"],
            depth=options["depth"],
            text_weight=options["text_weight"],
            history_decay=options["history_decay"],
        )
        try:
            report = run_evaluation(
                options["documents"],
                options["questions"],
                use_history=options["history"],
                k=options["k"],
                tuning=tuning,
                show_progress=not options["no_progress"],
                modes=(*MODES, BASELINE) if options["baseline"] else MODES,
            )
        except EvalInputError as exc:
            raise CommandError(str(exc))
        self.stdout.write(report.table())
        if options["json"]:
            self.stdout.write(
                json.dumps({**report.metrics, **({"subsets": report.subsets} if report.subsets else {})})
            )
