"""Embedding throughput: the model's raw rate against kb_import and kb_reindex end to end.

    .venv/bin/python bench/embeddings.py --json               # 400 MTRAG documents
    .venv/bin/python bench/embeddings.py --documents 40       # smoke test

MTRAG's documents (/work/shared/datasets/mtrag, converted by bench/convert_mtrag_answers.py) are
chunked as the knowledge base chunks them. Then, in a throwaway database:
- raw: the configured embedder (HELMDESK_EMBEDDINGS, local USE by default) embeds every chunk text
  in one call, nothing else: the model's own rate;
- kb_import: `manage.py kb_import --jsonl` of the same documents (reading, articles, revisions,
  chunking, embedding, chunk rows, tsvectors, term statistics) from an empty knowledge base;
- kb_reindex: `manage.py kb_reindex --all` over the imported articles;
- raw again: the raw run once more (the reference rate is the mean of the two raw runs).
Rates are chunks per second of wall time; the end-to-end share is the rate over the raw rate
(target >= 90%). On a shared machine wall time follows the load, so each run also reports this
process's CPU seconds (all its threads; PostgreSQL's own work is not in it): the extra CPU over the
raw run is the end-to-end work the model's time has to hide. "model busy" (the share of a run's wall
time spent inside the embedder) is taken within one run, so the load moves it little. With --json the
last line holds the figures.
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
    model_clock = ModelClock(embedder)
    print(
        f"bench/embeddings.py: {len(documents)} documents, {len(texts)} chunks, {embedder.name}", flush=True
    )

    def embed_raw() -> int:
        embedder.embed_published(texts)
        return len(texts)

    def command(*arguments) -> int:
        call_command(*arguments, "--no-progress", stdout=StringIO())
        return Chunk.objects.count()

    rows = {"raw (model only)": measure(embed_raw, model_clock)}
    with throwaway_knowledge_base():
        rows["kb_import --jsonl"] = measure(lambda: command("kb_import", "--jsonl", str(jsonl)), model_clock)
        rows["kb_reindex --all"] = measure(lambda: command("kb_reindex", "--all"), model_clock)
    rows["raw again"] = measure(embed_raw, model_clock)
    figures = report(rows, model=embedder.name, documents=len(documents))
    if args.json:
        print(json.dumps(figures))
    return 0


class ModelClock:
    """Wall seconds spent inside the embedder's ``embed_published`` (the real one, only timed)."""

    def __init__(self, embedder) -> None:
        self.seconds = 0.0
        embed = embedder.embed_published

        def timed(texts):
            started = time.perf_counter()
            try:
                return embed(texts)
            finally:
                self.seconds += time.perf_counter() - started

        embedder.embed_published = timed


def measure(run, model_clock: ModelClock) -> dict:
    """Run once: chunks (what ``run`` returns), wall and CPU seconds, seconds inside the model."""
    started, cpu, in_model = time.perf_counter(), time.process_time(), model_clock.seconds
    chunks = run()
    return {"chunks": chunks, "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "model_seconds": model_clock.seconds - in_model}  # fmt: skip


def report(rows: dict, *, model: str, documents: int) -> dict:
    """Rates against the raw rate, taken as the mean of the raw runs before and after (the load moves).
    "model busy" is the share of the run's wall time spent embedding: the pipeline's own figure,
    taken within the run, so it holds under any load; "model pace" is the model's rate inside the
    run over its raw rate (what the rest of the run, and the machine's load, cost it); "outside s"
    is the wall time the run spent outside the model (what the pipeline did not hide)."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    raws = [rows["raw (model only)"], rows["raw again"]]
    raw_rate = sum(row["chunks"] / row["seconds"] for row in raws) / len(raws)
    raw_cpu = sum(row["cpu"] for row in raws) / len(raws)
    print(f"\nEmbedding throughput, {model}, {documents} documents (chunks/s; target end to end >= "
          f"{TARGET_SHARE:.0%} of raw, raw = mean of the two raw runs); {os.cpu_count()} CPUs, "
          f"load average {load}")  # fmt: skip
    print(f"{'run':<18} {'chunks':>6} {'seconds':>8} {'chunks/s':>9} {'of raw':>7} {'model busy':>11} "
          f"{'model pace':>11} {'outside s':>10} {'CPU s':>6} {'CPU/raw':>8}")  # fmt: skip
    cases = {}
    for name, row in rows.items():
        rate = row["chunks"] / row["seconds"] if row["seconds"] else 0.0
        busy = row["model_seconds"] / row["seconds"] if row["seconds"] else 0.0
        pace = row["chunks"] / row["model_seconds"] / raw_rate if row["model_seconds"] else 0.0
        outside = row["seconds"] - row["model_seconds"]
        cases[name] = {"chunks": row["chunks"], "seconds": round(row["seconds"], 2),
                       "chunks_per_s": round(rate, 1), "share_of_raw": round(rate / raw_rate, 3),
                       "model_busy": round(busy, 3), "model_pace": round(pace, 3),
                       "outside_model_seconds": round(outside, 2),
                       "cpu_seconds": round(row["cpu"], 2), "cpu_over_raw": round(row["cpu"] / raw_cpu, 3)}  # fmt: skip
        print(f"{name:<18} {row['chunks']:>6} {row['seconds']:>8.1f} {rate:>9.1f} {rate / raw_rate:>7.0%} "
              f"{busy:>11.0%} {pace:>11.0%} {outside:>10.1f} {row['cpu']:>6.1f} {row['cpu'] / raw_cpu:>8.2f}")  # fmt: skip
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
