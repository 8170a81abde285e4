"""Wrap an eval_answers questions file in greetings and sign-offs, to measure what politeness costs.

    .venv/bin/python bench/polite_questions.py var/eval/bitext5/questions.jsonl var/eval/bitext_polite/questions.jsonl
    .venv/bin/python bench/polite_questions.py var/eval/bitext5/questions.jsonl var/eval/bitext_inline/questions.jsonl --one-line
    .venv/bin/python manage.py eval_answers --documents var/eval/bitext5/documents.jsonl \
        --questions var/eval/bitext_polite/questions.jsonl --threshold 0 --skip-rule low_confidence \
        --dump var/eval/dumps_polite/bitext_polite.jsonl

Every question keeps its id, gold documents and history; only its text changes, so the wrapped file's
outcomes compare one to one with the bare file's. Three wrappers in rotation, as customers write in
the portal or by email ("Hello,\\n\\n<question>\\n\\nThanks a lot,\\nMaya") or, with ``--one-line``, in
chat ("Hi! <question> Thanks!"); German questions (py3langid) get German ones. The figures of
2026-12-04 are in docs/ai-answers.md ("Polite messages").
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import py3langid

MULTI_LINE = [
    ("Hello,", "Thanks a lot,\nMaya"),
    ("Hi there,", "Best regards,\nJonas Weber"),
    ("Dear support team,", "Thank you in advance!\nSam"),
]
ONE_LINE = [("Hi!", "Thanks!"), ("Hello,", "Thank you so much."), ("Hey there!", "Thanks in advance!")]
GERMAN_MULTI_LINE = ("Hallo,", "Viele Grüße\nAnna")
GERMAN_ONE_LINE = ("Hallo,", "Danke!")


def wrap(question: str, index: int, *, one_line: bool) -> str:
    german = py3langid.classify(question)[0] == "de"
    if one_line:
        greeting, closing = GERMAN_ONE_LINE if german else ONE_LINE[index % len(ONE_LINE)]
        return f"{greeting} {question} {closing}"
    greeting, closing = GERMAN_MULTI_LINE if german else MULTI_LINE[index % len(MULTI_LINE)]
    return f"{greeting}\n\n{question}\n\n{closing}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--one-line", action="store_true", help="chat style: greeting and thanks on the line")
    args = parser.parse_args()
    records = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    for index, record in enumerate(records):
        record["question"] = wrap(record["question"], index, one_line=args.one_line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records))
    print(f"{len(records)} questions wrapped -> {args.out}")


if __name__ == "__main__":
    main()
