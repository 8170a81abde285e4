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
- raw again: the raw run once more (the reference rate is the mean of the two raw runs);
- "model replayed": kb_import and kb_reindex again, in a fresh database, with the model replaced by
  a lookup of the vectors the raw run computed (same rows): their CPU seconds are the end-to-end work
  outside the model, a figure the load hardly moves (the model's own CPU does: on two busy cores its
  two BLAS threads spin-wait, 11 CPU-s quiet, 20-27 at load 4-5). Skipped with --no-replay.
Rates are chunks per second of wall time; the end-to-end share is the rate over the raw rate
(target >= 90%). On a shared machine wall time follows the load, so each run also reports this
process's CPU seconds (all its threads; PostgreSQL's own work is not in it): the extra CPU over the
raw run is the end-to-end work the model's time has to hide, "PG CPU s" what the run's PostgreSQL
backends spent (sampled from /proc; 0 where it cannot be read). "model busy" (the share of a run's wall
time spent inside the embedder) is taken within one run, so the load moves it little. With --json the
last line holds the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
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
    parser.add_argument("--no-replay", action="store_true", help="skip the runs with the model replayed")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="BLAS threads of the local model for every run (default: its own)",
    )
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
    from knowledge.services.articles import clean_title

    folder = Path(tempfile.mkdtemp(prefix="embeddings-bench-"))
    convert(args.dataset, folder)
    documents = load_documents(folder / "documents.jsonl")[: args.documents]
    jsonl = folder / "import.jsonl"
    with open(jsonl, "w") as out:
        for doc in documents:
            out.write(
                json.dumps({"doc_id": doc.doc_id, "title": doc.title or doc.doc_id, "text": doc.text}) + "\n"
            )
    texts = [  # the chunk texts the import will embed (with the titles as the article services store them)
        embedding_text(title=title, heading_path=piece.heading_path, text=piece.text)
        for doc, title in ((doc, clean_title(doc.title or doc.doc_id)) for doc in documents)
        for piece in chunk_document(markdown_inline_to_text(doc.text.strip()), title=title)
    ]
    embedder = get_embedder()
    if args.threads:
        embedder.threads = args.threads  # the local model's BLAS threads (a diagnostic, not a setting)
    embedder.embed_published(texts[:32])  # load the model, warm the caches
    model_clock = ModelClock(embedder)
    print(
        f"bench/embeddings.py: {len(documents)} documents, {len(texts)} chunks, {embedder.name}", flush=True
    )

    vectors: dict[str, object] = {}

    def embed_raw() -> int:
        vectors.update(zip(texts, embedder.embed_published(texts), strict=True))
        return len(texts)

    def command(*arguments) -> int:
        call_command(*arguments, "--no-progress", stdout=StringIO())
        return Chunk.objects.count()

    rows = {"raw (model only)": measure(embed_raw, model_clock)}
    with throwaway_knowledge_base() as database, PostgresClock(database) as pg:
        rows["kb_import --jsonl"] = measure(
            lambda: command("kb_import", "--jsonl", str(jsonl)), model_clock, pg
        )
        rows["kb_reindex --all"] = measure(lambda: command("kb_reindex", "--all"), model_clock, pg)
    rows["raw again"] = measure(embed_raw, model_clock)
    if not args.no_replay:
        with (
            throwaway_knowledge_base() as database,
            PostgresClock(database) as pg,
            replayed(Replay(embedder, vectors)) as replay,
        ):
            rows["import, replayed"] = measure(
                lambda: command("kb_import", "--jsonl", str(jsonl)), model_clock, pg
            )
            rows["reindex, replayed"] = measure(lambda: command("kb_reindex", "--all"), model_clock, pg)
        if replay.misses:
            print(f"replayed runs: {replay.misses} chunk texts were not in the raw run and were embedded")
    figures = report(
        rows, model=embedder.name, documents=len(documents), threads=getattr(embedder, "threads", None)
    )
    if args.json:
        print(json.dumps(figures))
    return 0


class Replay:
    """An embedder of the model's name that looks up the vectors the raw run computed (no model)."""

    def __init__(self, embedder, vectors: dict) -> None:
        self.embedder, self.vectors, self.misses = embedder, vectors, 0
        self.name, self.dim = embedder.name, embedder.dim

    def embed_published(self, texts: list[str]):
        import numpy as np

        missing = [text for text in texts if text not in self.vectors]
        if missing:  # not embedded by the raw run (none expected): the model, once, and counted
            self.misses += len(missing)
            self.vectors.update(zip(missing, self.embedder.embed_published(missing), strict=True))
        return np.array([self.vectors[text] for text in texts], dtype=np.float32).reshape(
            len(texts), self.dim
        )


@contextmanager
def replayed(replay: Replay):
    """kb_import and kb_reindex get ``replay`` instead of the configured embedder."""
    from knowledge.management.commands import kb_import, kb_reindex

    saved = kb_import.get_embedder, kb_reindex.get_embedder
    kb_import.get_embedder = kb_reindex.get_embedder = lambda *args: replay
    try:
        yield replay
    finally:
        kb_import.get_embedder, kb_reindex.get_embedder = saved


class PostgresClock:
    """CPU seconds of the PostgreSQL backends serving ``database`` (Linux /proc, the embedded server
    on this machine): sampled every 0.2 s, so a backend that exits (a thread's connection) keeps what
    it had used by its last sample."""

    def __init__(self, database: str) -> None:
        self.marker = f" {database} ".encode()
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.tick = os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> PostgresClock:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def seconds(self) -> float:
        self._sample()
        return sum(self.seen.values())

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            self._sample()

    def _sample(self) -> None:
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                    if self.marker not in handle.read().replace(b"\0", b" ") + b" ":
                        continue
                with open(f"/proc/{entry.name}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.seen[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self.tick


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


def measure(run, model_clock: ModelClock, pg: PostgresClock | None = None) -> dict:
    """Run once: chunks (what ``run`` returns), wall and CPU seconds, seconds inside the model, and
    the CPU seconds of the database's backends."""
    pg_before = pg.seconds() if pg else 0.0
    started, cpu, in_model = time.perf_counter(), time.process_time(), model_clock.seconds
    chunks = run()
    return {"chunks": chunks, "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "model_seconds": model_clock.seconds - in_model,
            "pg_cpu": (pg.seconds() - pg_before) if pg else 0.0}  # fmt: skip


def report(rows: dict, *, model: str, documents: int, threads: int | None = None) -> dict:
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
          f"load average {load}; BLAS threads {threads}")  # fmt: skip
    print(f"{'run':<18} {'chunks':>6} {'seconds':>8} {'chunks/s':>9} {'of raw':>7} {'model busy':>11} "
          f"{'model pace':>11} {'outside s':>10} {'CPU s':>6} {'CPU/raw':>8} {'PG CPU s':>9}")  # fmt: skip
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
                       "cpu_seconds": round(row["cpu"], 2), "cpu_over_raw": round(row["cpu"] / raw_cpu, 3),
                       "pg_cpu_seconds": round(row["pg_cpu"], 2)}  # fmt: skip
        print(f"{name:<18} {row['chunks']:>6} {row['seconds']:>8.1f} {rate:>9.1f} {rate / raw_rate:>7.0%} "
              f"{busy:>11.0%} {pace:>11.0%} {outside:>10.1f} {row['cpu']:>6.1f} {row['cpu'] / raw_cpu:>8.2f} "
              f"{row['pg_cpu']:>9.2f}")  # fmt: skip
    return {
        "model": model,
        "documents": documents,
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "cpus": os.cpu_count(),
        "raw_chunks_per_s": round(raw_rate, 1),
        "threads": threads,
        "cases": cases,
    }


if __name__ == "__main__":
    sys.exit(main())
