"""Convert MTRAG into eval_answers files: eval_retrieval's format plus the unanswerable questions.

    .venv/bin/python bench/convert_mtrag_answers.py ../shared/datasets/mtrag var/eval/mtrag_answers
    .venv/bin/python manage.py eval_answers --documents var/eval/mtrag_answers/documents.jsonl \
        --questions var/eval/mtrag_answers/questions.jsonl [--history]

Every task becomes a question with its `answerability` label; tasks without reference passages
(UNANSWERABLE, CONVERSATIONAL) get an empty `gold_doc_ids`: the right outcome for them is a handoff.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def collection_name(task: dict) -> str:
    """The MTRAG corpus a task belongs to: clapnq, fiqa, govt or ibmcloud (reported separately)."""
    name = str(task.get("Collection") or "")
    return name.split("-")[2] if name.startswith("mt-rag-") else "mtrag"


def convert(source: Path, target: Path) -> tuple[int, int]:
    data = json.loads((source / "reference_subset_with_human_evaluations.json").read_text())
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "documents.jsonl", "w") as out:
        for doc in data["documents"]:
            record = {"doc_id": doc["document_id"], "title": doc.get("title") or "", "text": doc["text"]}
            out.write(json.dumps(record) + "\n")
    questions = 0
    with open(target / "questions.jsonl", "w") as out:
        for task in data["tasks"]:
            turns = task["input"]
            if not turns or turns[-1]["speaker"] != "user":
                continue
            history = [
                {"role": "user" if turn["speaker"] == "user" else "assistant", "text": turn["text"]}
                for turn in turns[:-1]
            ]
            gold = [context["document_id"] for context in task.get("contexts") or []]
            record = {
                "id": task["task_id"],
                "question": turns[-1]["text"],
                "gold_doc_ids": gold,
                "answerability": (task.get("Answerability") or ["ANSWERABLE"])[0],
                "history": history,
                "subset": collection_name(task),
                "gold_answer": " ".join(t.get("text", "") for t in task.get("targets") or []),
            }
            out.write(json.dumps(record) + "\n")
            questions += 1
    return len(data["documents"]), questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    documents, questions = convert(args.source, args.target)
    print(f"{documents} documents, {questions} questions -> {args.target}")


if __name__ == "__main__":
    main()
