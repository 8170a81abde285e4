"""Convert the Bitext customer-support sample into a small FAQ knowledge base with questions.

    .venv/bin/python bench/convert_bitext_kb.py ../shared/datasets/bitext_customer_support var/eval/bitext

Documents: one article per intent (27), titled by the intent ("cancel order"), whose text is one
reference reply of that intent (seeded choice; ``{{placeholders}}`` kept as plain words). Questions:
``--per-intent`` other customer messages of each intent (seeded, never the row the article came
from); the gold document is the intent's article and ``gold_answer`` its text. The set is
synthetic and templated (see SOURCE.md): a check that retrieval and answers hold on short,
colloquial, misspelled customer phrasing, not a hard benchmark.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from collections import defaultdict
from pathlib import Path

FILE = "Bitext_Sample_Customer_Support_Training_Dataset.csv"
_PLACEHOLDER = re.compile(r"\{\{\s*([^}]+?)\s*\}\}")


def clean(text: str) -> str:
    return _PLACEHOLDER.sub(r"\1", text.replace("\r\n", "\n")).strip()


def convert(source: Path, target: Path, *, per_intent: int = 10, seed: int = 13) -> tuple[int, int]:
    rows_by_intent: dict[str, list[dict]] = defaultdict(list)
    with open(source / FILE, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows_by_intent[row["intent"]].append(row)
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    questions = 0
    with open(target / "documents.jsonl", "w") as docs, open(target / "questions.jsonl", "w") as out:
        for intent in sorted(rows_by_intent):
            rows = rows_by_intent[intent]
            article = rng.choice(rows)
            text = clean(article["response"])
            title = intent.replace("_", " ")
            docs.write(json.dumps({"doc_id": intent, "title": title, "text": text}) + "\n")
            others = [row for row in rows if row is not article]
            for number, row in enumerate(rng.sample(others, min(per_intent, len(others))), start=1):
                record = {
                    "id": f"{intent}-{number}", "question": clean(row["instruction"]),
                    "gold_doc_ids": [intent], "history": [], "subset": "bitext", "gold_answer": text,
                }  # fmt: skip
                out.write(json.dumps(record) + "\n")
                questions += 1
    return len(rows_by_intent), questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--per-intent", type=int, default=10)
    args = parser.parse_args()
    documents, questions = convert(args.source, args.target, per_intent=args.per_intent)
    print(f"{documents} documents, {questions} questions -> {args.target}")


if __name__ == "__main__":
    main()
