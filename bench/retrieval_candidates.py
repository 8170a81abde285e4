"""Dump the product's search candidates per question, for re-ranking experiments outside Django.

    .venv/bin/python bench/retrieval_candidates.py var/eval/mtrag_answers/documents.jsonl \
        var/eval/mtrag_answers/questions.jsonl var/eval/candidates/mtrag.json --history [--k 30]

Loads the documents into a throwaway knowledge base (eval_retrieval's loader), runs the product's
hybrid ``search`` for every question (agent audience, snippets off, as the answer pipeline calls it)
and writes, per question, its id, text, history, gold documents and the ranked hits with their
document id, title, text, cosine, BM25 score and ranks. ``bench/rerank_static.py`` reads the file; it
runs in any virtualenv with numpy (and the re-ranking model under test), not in the product's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("documents", type=Path)
    parser.add_argument("questions", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--history", action="store_true", help="pass each question's dialogue history")
    parser.add_argument("--k", type=int, default=30, help="hits per question (the answer pipeline reads 6)")
    args = parser.parse_args()

    import django

    django.setup()
    from gateway.embeddings import get_embedder
    from knowledge.evaluation.retrieval_eval import index_documents, load_documents, throwaway_knowledge_base
    from knowledge.selectors.search import search

    documents = load_documents(args.documents)
    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    embedder = get_embedder()
    results = []
    with throwaway_knowledge_base():
        id_to_doc = index_documents(documents, embedder=embedder, show_progress=False)
        for question in questions:
            history = (question.get("history") or None) if args.history else None
            hits = search(
                question["question"], k=args.k, audience="internal", history=history, snippets=False,
                embedder=embedder,
            )  # fmt: skip
            results.append(
                {
                    "id": question["id"],
                    "question": question["question"],
                    "history": question.get("history") or [],
                    "gold": question.get("gold_doc_ids") or [],
                    "hits": [
                        {
                            "doc": id_to_doc.get(hit.article_id),
                            "title": hit.article_title,
                            "text": hit.text,
                            "cosine": hit.vector_score,
                            "bm25": hit.text_score,
                            "vector_rank": hit.vector_rank,
                            "text_rank": hit.text_rank,
                        }
                        for hit in hits
                    ],
                }
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results))
    print(f"{len(results)} questions, {args.k} hits each at most -> {args.out}")


if __name__ == "__main__":
    main()
