"""Embedding throughput: the model's raw rate against kb_import and kb_reindex end to end.

    .venv/bin/python bench/embeddings.py --json               # 400 MTRAG documents
    .venv/bin/python bench/embeddings.py --documents 40       # smoke test

MTRAG's documents (/work/shared/datasets/mtrag, converted by bench/convert_mtrag_answers.py) are
chunked as the knowledge base chunks them. Then, in a throwaway database:
- raw: the configured embedder (HELMDESK_EMBEDDINGS, local USE by default) embeds every chunk text
  in one call, nothing else: the model's own rate;
- kb_import: `manage.py kb_import --jsonl` of the same documents (reading, articles, revisions,
  chunking, embedding, chunk rows, tsvectors, term statistics) from an empty knowledge base;
- kb_reindex: `manage.py kb_reindex --all` over the imported articles.
Rates are chunks per second of wall time; the end-to-end share is the rate over the raw rate
(target >= 90%). With --json the last line holds the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
MTRAG = Path("/work/shared/datasets/mtrag")
TARGET_SHARE = 0.9


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", type=Path, default=MTRAG)
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    import django

    django.setup()
    from convert_mtrag_answers import convert
    from django.core.management import call_command

    from gateway.embeddings import get_embedder
    from knowledge.evaluation.retrieval_eval import load_documents, throwaway_knowledge_base
    from knowledge.indexing.chunking import chunk_document, embedding_text, markdown_inline_to_text
    from knowledge.models import Chunk

    folder = Path(tempfile.mkdtemp(prefix="embeddings-bench-"))
    convert(args.dataset, folder)
    documents = load_documents(folder / "documents.jsonl")[: args.documents]
    jsonl = folder / "import.jsonl"
    with open(jsonl, "w") as out:
        for doc in documents:
            out.write(
                json.dumps({"doc_id": doc.doc_id, "title": doc.title or doc.doc_id, "text": doc.text}) + "\n"
            )
    texts = [
        embedding_text(title=doc.title or doc.doc_id, heading_path=piece.heading_path, text=piece.text)
        for doc in documents
        for piece in chunk_document(markdown_inline_to_text(doc.text), title=doc.title or doc.doc_id)
    ]
    embedder = get_embedder()
    embedder.embed_published(texts[:32])  # load the model, warm the caches
    started = time.perf_counter()
    embedder.embed_published(texts)
    raw_seconds = time.perf_counter() - started
    rows = {"raw (model only)": (len(texts), raw_seconds)}
    print(
        f"bench/embeddings.py: {len(documents)} documents, {len(texts)} chunks, {embedder.name}", flush=True
    )
    with throwaway_knowledge_base():
        started = time.perf_counter()
        call_command("kb_import", "--jsonl", str(jsonl), "--no-progress", stdout=StringIO())
        rows["kb_import --jsonl"] = (Chunk.objects.count(), time.perf_counter() - started)
        started = time.perf_counter()
        call_command("kb_reindex", "--all", "--no-progress", stdout=StringIO())
        rows["kb_reindex --all"] = (Chunk.objects.count(), time.perf_counter() - started)
    figures = report(rows, model=embedder.name, documents=len(documents))
    if args.json:
        print(json.dumps(figures))
    return 0


def report(rows: dict, *, model: str, documents: int) -> dict:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    raw_chunks, raw_seconds = rows["raw (model only)"]
    raw_rate = raw_chunks / raw_seconds
    print(f"\nEmbedding throughput, {model}, {documents} documents (chunks/s; target end to end >= "
          f"{TARGET_SHARE:.0%} of raw); {os.cpu_count()} CPUs, load average {load}")  # fmt: skip
    print(f"{'run':<22} {'chunks':>7} {'seconds':>8} {'chunks/s':>9} {'of raw':>7}")
    cases = {}
    for name, (chunks, seconds) in rows.items():
        rate = chunks / seconds if seconds else 0.0
        cases[name] = {"chunks": chunks, "seconds": round(seconds, 2), "chunks_per_s": round(rate, 1),
                       "share_of_raw": round(rate / raw_rate, 3)}  # fmt: skip
        print(f"{name:<22} {chunks:>7} {seconds:>8.1f} {rate:>9.1f} {rate / raw_rate:>7.0%}")
    return {
        "model": model,
        "documents": documents,
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "cpus": os.cpu_count(),
        "raw_chunks_per_s": round(raw_rate, 1),
        "cases": cases,
    }


if __name__ == "__main__":
    sys.exit(main())
