"""Convert the MTRAG human-evaluated reference subset into eval_retrieval's JSONL files.

    .venv/bin/python bench/convert_mtrag.py ../shared/datasets/mtrag var/eval/mtrag
    .venv/bin/python manage.py eval_retrieval --documents var/eval/mtrag/documents.jsonl \
        --questions var/eval/mtrag/questions.jsonl --history

Documents: the 350 pooled reference passages (`document_id`, `title`, `text`). Questions: one per task
that has at least one reference passage (150 of 159); the question is the task's last user turn and
`history` the turns before it (`user` / `assistant`). `gold_doc_id` is the first reference passage;
`gold_doc_ids` lists all of them (eval_retrieval counts a hit on any; pass --first-gold-only to
write only the first).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def collection_name(task: dict) -> str:
    """The MTRAG corpus a task belongs to: clapnq, fiqa, govt or ibmcloud (reported separately)."""
    name = str(task.get("Collection") or "")
    return name.split("-")[2] if name.startswith("mt-rag-") else "mtrag"


def convert(source: Path, target: Path, *, first_gold_only: bool = False) -> tuple[int, int]:
    data = json.loads((source / "reference_subset_with_human_evaluations.json").read_text())
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "documents.jsonl", "w") as out:
        for doc in data["documents"]:
            out.write(
                json.dumps(
                    {"doc_id": doc["document_id"], "title": doc.get("title") or "", "text": doc["text"]}
                )
                + "\n"
            )
    questions = 0
    with open(target / "questions.jsonl", "w") as out:
        for task in data["tasks"]:
            gold = [context["document_id"] for context in task.get("contexts") or []]
            turns = task["input"]
            if not gold or not turns or turns[-1]["speaker"] != "user":
                continue
            history = [
                {"role": "user" if turn["speaker"] == "user" else "assistant", "text": turn["text"]}
                for turn in turns[:-1]
            ]
            record = {
                "id": task["task_id"],
                "question": turns[-1]["text"],
                "gold_doc_id": gold[0],
                "history": history,
                "subset": collection_name(task),
            }
            if not first_gold_only:
                record["gold_doc_ids"] = gold
            out.write(json.dumps(record) + "\n")
            questions += 1
    return len(data["documents"]), questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="the mtrag dataset folder")
    parser.add_argument("target", type=Path, help="folder for documents.jsonl and questions.jsonl")
    parser.add_argument("--first-gold-only", action="store_true")
    args = parser.parse_args()
    documents, questions = convert(args.source, args.target, first_gold_only=args.first_gold_only)
    print(f"{documents} documents, {questions} questions -> {args.target}")


if __name__ == "__main__":
    main()
