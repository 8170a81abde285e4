"""Knowledge-gap detection: precision / recall on a help center with known articles removed.

    PYTHONPATH=. DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/kb_gaps_eval.py \
        [--per-intent 6] [--remove 7] [--seed 13]

The Bitext customer-support sample becomes a 27-article FAQ (bench/convert_bitext_kb.py: one
article per intent, other customer messages of each intent as questions). `--remove` intents'
articles are taken out (seeded), every question goes through the real answer pipeline (throwaway
knowledge base, ai.evaluation.answers_eval) and the handed-off ones (pipeline handoff, or confidence
under the configured threshold) are grouped exactly as gaps are (ai.insights.gaps.group_signals).

- question level: precision = handed-off questions whose article was removed / handed-off questions;
  recall = handed-off questions of removed intents / questions of removed intents.
- gap level (gaps of >= 2 questions): precision = gaps whose majority intent was removed / gaps;
  recall = removed intents that are the majority of some gap / removed intents.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from ai.evaluation.answers_eval import run_answer_evaluation  # noqa: E402
from ai.insights.clustering import l2  # noqa: E402
from ai.insights.gaps import Signal, gap_reason, group_signals  # noqa: E402
from ai.models import AISettings  # noqa: E402
from bench.convert_bitext_kb import convert  # noqa: E402
from gateway.embeddings import get_embedder  # noqa: E402

SOURCE = Path("/work/shared/datasets/bitext_customer_support")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-intent", type=int, default=6)
    parser.add_argument("--remove", type=int, default=7)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-gaps-"))
    convert(SOURCE, work, per_intent=args.per_intent, seed=args.seed)
    docs = [json.loads(line) for line in (work / "documents.jsonl").open()]
    questions = [json.loads(line) for line in (work / "questions.jsonl").open()]
    removed = set(random.Random(args.seed).sample(sorted(d["doc_id"] for d in docs), args.remove))
    with (work / "kept.jsonl").open("w") as handle:
        for doc in docs:
            if doc["doc_id"] not in removed:
                handle.write(json.dumps(doc) + "\n")
    gold = {q["id"]: (q.get("gold_doc_id") or q.get("gold_doc_ids", [None])[0]) for q in questions}
    text = {q["id"]: q["question"] for q in questions}
    report = run_answer_evaluation(work / "kept.jsonl", work / "questions.jsonl", show_progress=False)
    threshold = AISettings.load().confidence_threshold
    print(
        f"articles {len(docs)}, removed {len(removed)}, questions {len(questions)}, threshold {threshold:.2f}"
    )
    selections = {
        "all handoffs (pipeline handoff or confidence < threshold)": [
            o.question_id for o in report.outcomes if o.decision != "answered" or o.confidence < threshold
        ],
        "retrieval handoffs only (no_sources, low retrieval score)": [
            o.question_id for o in report.outcomes if gap_reason(o.reason) in {"no_sources", "weak_sources"}
        ],
    }
    for label, handed in selections.items():
        measure(label, handed, gold, text, removed)


def measure(label: str, handed: list[str], gold: dict, text: dict, removed: set) -> None:
    true_gap = [qid for qid in gold if gold[qid] in removed]
    tp = sum(gold[q] in removed for q in handed)
    q_precision = tp / len(handed) if handed else 0.0
    q_recall = tp / len(true_gap) if true_gap else 0.0
    signals = [Signal(kind="no_sources", text=text[q]) for q in handed]
    vectors = l2(get_embedder().embed_documents([s.text for s in signals])) if signals else None
    groups = group_signals(signals, vectors) if signals else []
    by_text = {text[q]: q for q in handed}
    gaps = sorted((g for g in groups if len(g.signals) >= 2), key=lambda g: -len(g.signals))
    majority = [Counter(gold[by_text[s.text]] for s in g.signals).most_common(1)[0][0] for g in gaps]
    g_precision = sum(m in removed for m in majority) / len(gaps) if gaps else 0.0
    g_recall = len({m for m in majority if m in removed}) / len(removed) if removed else 0.0
    top = majority[: len(removed)]
    top_precision = sum(m in removed for m in top) / len(top) if top else 0.0
    print(f"\n{label}: {len(handed)} handed off, {tp} of them had their article removed")
    print(f"  question level: precision {q_precision:.3f}  recall {q_recall:.3f}")
    print(f"  gap level ({len(gaps)} gaps of >= 2 questions, {len(groups)} groups): precision {g_precision:.3f}  "
          f"recall {g_recall:.3f}; precision of the top {len(top)} gaps by volume {top_precision:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
