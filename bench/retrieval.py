"""Retrieval benchmark: hybrid query latency, HNSW recall and index build time on synthetic chunks.

    OMP_NUM_THREADS=1 .venv/bin/python bench/retrieval.py                   # 10k and 100k chunks
    OMP_NUM_THREADS=1 .venv/bin/python bench/retrieval.py --sizes 2000 --queries 30   # smoke test
    OMP_NUM_THREADS=1 .venv/bin/python bench/retrieval.py --sizes 100000 --db-name bench_retrieval --keep --reuse
        # keeps the loaded database (bench_retrieval_100000) for the next run

Everything runs in a throwaway database (created and dropped; the real knowledge base is untouched).

Synthetic data (why it is realistic enough for latency and recall, and what it is not):
- Embeddings are clustered random unit vectors: ``size / 20`` topic centres drawn uniformly on the
  512-d sphere, each chunk = its centre + Gaussian noise, normalised (cosine to its centre ~0.7,
  like chunks of one article to each other with the real model). Real-model embeddings are too
  slow to make at 100k (see the throughput line), and uniform random vectors would make HNSW look
  worse than on real data (no structure), clustered ones roughly like real data.
- Text: ~150 words per chunk from a Zipf-distributed vocabulary of 30k pseudo-words plus 40 topic
  words per cluster; queries take 2 topic words and 3 mid-frequency words, and the query vector is
  a chunk's vector plus noise. Full-text queries therefore match hundreds to thousands of chunks at
  100k, as real OR queries of a question's content words do.
- Query latency is the whole ``search()`` call (both SQL statements, Python fusion, snippets), with
  the query vector handed over precomputed; embedding a query with the real model costs
  separately (reported on its own line).
- Recall@10 is HNSW vector-only top-10 against exact (numpy, brute force) top-10, per ef_search.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from gateway.embeddings import get_embedder  # noqa: E402
from knowledge.evaluation.retrieval_eval import percentile, throwaway_knowledge_base  # noqa: E402
from knowledge.indexing.term_stats import refresh_term_stats  # noqa: E402
from knowledge.models import Article, ArticleStatus, Chunk  # noqa: E402
from knowledge.selectors.search import DEFAULT_TUNING, search  # noqa: E402

DIM = 512
CHUNKS_PER_ARTICLE = 5
CHUNKS_PER_CLUSTER = 20
WORDS_PER_CHUNK = 150
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "nu",
    "pe",
    "ra",
    "si",
    "to",
    "vu",
    "ze",
    "bar",
    "cen",
    "dol",
    "fim",
    "gor",
    "hal",
    "jun",
    "kel",
    "mor",
    "nis",
    "pol",
    "qua",
    "ret",
    "sul",
    "tam",
    "vin",
    "wex",
    "yor",
    "zud",
]

HNSW_SQL = (
    "CREATE INDEX kb_chunk_embedding_hnsw ON knowledge_chunk USING hnsw (embedding vector_cosine_ops) "
    "WITH (m = 16, ef_construction = 64)"
)
GIN_SQL = "CREATE INDEX kb_chunk_search_gin ON knowledge_chunk USING gin (search_vector)"


class PrecomputedEmbedder:
    """Hands search() the query vectors generated with the data (the DB side is what is measured)."""

    name = "synthetic"
    dim = DIM

    def __init__(self) -> None:
        self.vectors: dict[str, np.ndarray] = {}

    def embed_documents(self, texts):
        raise NotImplementedError

    def embed_published(self, texts):
        raise NotImplementedError

    def embed_queries(self, texts):
        return np.stack([self.vectors[text] for text in texts])


def pseudo_vocabulary(size: int, rng: np.random.Generator) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES, size=rng.integers(2, 5))))
    return sorted(words)


def generate(size: int, rng: np.random.Generator):
    vocabulary = pseudo_vocabulary(30_000, rng)
    zipf = 1.0 / np.arange(1, len(vocabulary) + 1)
    zipf /= zipf.sum()
    clusters = max(size // CHUNKS_PER_CLUSTER, 1)
    centres = rng.standard_normal((clusters, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    cluster_of = rng.integers(0, clusters, size=size)
    vectors = centres[cluster_of] + rng.standard_normal((size, DIM)).astype(np.float32) * (1.0 / np.sqrt(DIM))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    topic_words = rng.integers(200, len(vocabulary), size=(clusters, 40))
    texts = []
    for i in range(size):
        general = rng.choice(len(vocabulary), size=WORDS_PER_CHUNK - 20, p=zipf)
        topical = rng.choice(topic_words[cluster_of[i]], size=20)
        words = [vocabulary[j] for j in np.concatenate([general, topical])]
        rng.shuffle(words)
        texts.append(" ".join(words))
    return vectors, texts, cluster_of, topic_words, vocabulary


def load(vectors: np.ndarray, texts: list[str]) -> dict[str, float]:
    """Insert articles and chunks with COPY, then build the tsvectors and both indexes (timed)."""
    size = len(texts)
    articles = Article.objects.bulk_create(
        [
            Article(title=f"Synthetic {i}", slug=f"synthetic-{i}", status=ArticleStatus.PUBLISHED, body_md="")
            for i in range((size + CHUNKS_PER_ARTICLE - 1) // CHUNKS_PER_ARTICLE)
        ],
        batch_size=5000,
    )
    timings = {}
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS kb_chunk_embedding_hnsw")
        cursor.execute("DROP INDEX IF EXISTS kb_chunk_search_gin")
        started = time.perf_counter()
        buffer = io.StringIO()
        for i, (vector, text) in enumerate(zip(vectors, texts, strict=True)):
            article_id = articles[i // CHUNKS_PER_ARTICLE].pk
            embedding = "[" + ",".join(f"{x:.6f}" for x in vector) + "]"
            buffer.write(
                f"{article_id}\t{i % CHUNKS_PER_ARTICLE}\t{{}}\t{text}\t{WORDS_PER_CHUNK}\ten\tpublic\t{embedding}"
                f"\tsynthetic\tenglish\t{i}\t2026-01-01 00:00:00+00\n"
            )
        columns = (
            "article_id, ordinal, heading_path, text, word_count, language, audience, embedding, "
            "embedding_model, search_config, content_hash, created_at"
        )
        with cursor.cursor.copy(f"COPY knowledge_chunk ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        cursor.execute(
            "UPDATE knowledge_chunk SET search_vector = setweight(to_tsvector('english', 'synthetic'), 'A') "
            "|| setweight(to_tsvector(search_config::regconfig, text), 'D')"
        )
        timings["load_s"] = time.perf_counter() - started
        cursor.execute("SET maintenance_work_mem = '1GB'")
        started = time.perf_counter()
        cursor.execute(HNSW_SQL)
        timings["hnsw_build_s"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(GIN_SQL)
        timings["gin_build_s"] = time.perf_counter() - started
        cursor.execute("VACUUM ANALYZE knowledge_chunk")
    started = time.perf_counter()
    refresh_term_stats()  # BM25 document frequencies, as article_index does after every change
    timings["stats_s"] = time.perf_counter() - started
    with connection.cursor() as cursor:  # read back by --reuse
        cursor.execute(f"COMMENT ON TABLE knowledge_chunk IS '{json.dumps(timings)}'")
    return timings


@contextlib.contextmanager
def knowledge_base(args, size: int) -> Iterator[dict | None]:
    """A throwaway database, or with --db-name a named one (created, migrated; with --reuse an already
    loaded one is used as it is, and the load timings it was built with are read back)."""
    if not args.db_name:
        with throwaway_knowledge_base():
            yield None
        return
    name = f"{args.db_name}_{size}"
    original = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and not args.reuse:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0)
        timings = None
        if exists and Chunk.objects.count() == size:
            with connection.cursor() as cursor:
                cursor.execute("SELECT obj_description('knowledge_chunk'::regclass)")
                timings = json.loads(cursor.fetchone()[0] or "null")
        elif exists:
            Chunk.objects.all().delete()
            Article.objects.all().delete()
        yield timings
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        if not args.keep:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_queries(count, vectors, cluster_of, topic_words, vocabulary, rng, embedder):
    queries = []
    for q in range(count):
        source = int(rng.integers(0, len(vectors)))
        vector = vectors[source] + rng.standard_normal(DIM).astype(np.float32) * (0.8 / np.sqrt(DIM))
        vector /= np.linalg.norm(vector)
        words = list(rng.choice(topic_words[cluster_of[source]], size=2)) + list(
            rng.integers(50, 2000, size=3)
        )
        text = " ".join(vocabulary[w] for w in words) + f" q{q}"
        embedder.vectors[text] = vector
        queries.append((text, vector))
    return queries


def chunk_ids_by_row() -> np.ndarray:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM knowledge_chunk ORDER BY content_hash::int")
        return np.array([row[0] for row in cursor.fetchall()])


def hnsw_recall(queries, vectors, row_ids, ef_search: int) -> float:
    recalls = []
    for _text, vector in queries:
        exact = set(row_ids[np.argsort(-(vectors @ vector))[:10]].tolist())
        literal = "[" + ",".join(f"{x:.7g}" for x in vector) + "]"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('hnsw.ef_search', %s, true)", [str(ef_search)])
            cursor.execute(
                "SELECT id FROM knowledge_chunk WHERE audience = 'public' ORDER BY embedding <=> %s::vector LIMIT 10",
                [literal],
            )
            found = {row[0] for row in cursor.fetchall()}
        recalls.append(len(found & exact) / 10)
    return statistics.mean(recalls)


def latency(queries, embedder, mode: str) -> tuple[float, float]:
    timings = []
    for text, _vector in queries:
        started = time.perf_counter()
        search(text, k=8, audience="public", mode=mode, embedder=embedder)
        timings.append((time.perf_counter() - started) * 1000)
    return percentile(timings, 50), percentile(timings, 95)


def embedding_throughput(samples: int) -> tuple[float, float]:
    sentences = [
        "To reset your password, open the login page and choose Forgot password.",
        "Refunds reach your card within five business days after we receive the return.",
        "Express delivery arrives the next working day if you order before 2 pm.",
        "You can change the billing address in your account settings at any time.",
        "Our support team answers emails on weekdays between 8 am and 6 pm.",
        "If the invoice shows a wrong VAT number, ask us for a corrected invoice.",
        "Store the battery half charged and at room temperature over the winter.",
    ]
    rng = np.random.default_rng(7)
    texts = [" ".join(rng.choice(sentences, size=14)) for _ in range(samples)]  # ~180 words each
    embedder = get_embedder()
    embedder.embed_published(texts[:2])  # load the model outside the timing
    started = time.perf_counter()
    embedder.embed_published(texts)  # KB chunks: the published-content path
    chunks_per_s = samples / (time.perf_counter() - started)
    started = time.perf_counter()
    for sentence in sentences * 3:
        embedder.embed_queries([sentence])
    query_ms = (time.perf_counter() - started) * 1000 / (len(sentences) * 3)
    return chunks_per_s, query_ms


def main() -> None:
    parser = argparse.ArgumentParser(description="Hybrid retrieval benchmark on synthetic chunks.")
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated chunk counts")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=200, help="other queries run first, untimed")
    parser.add_argument("--ef-search", default="40,80,120,200", help="ef_search values for the recall table")
    parser.add_argument("--modes", default="hybrid,vector,fulltext")
    parser.add_argument(
        "--embed-samples", type=int, default=200, help="chunks for the throughput line (0: skip)"
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    parser.add_argument(
        "--db-name", default="", help="a named database (bench_retrieval_<size>) instead of a throwaway one"
    )
    parser.add_argument("--reuse", action="store_true", help="with --db-name: reuse a loaded database")
    parser.add_argument("--keep", action="store_true", help="with --db-name: keep the database afterwards")
    args = parser.parse_args()
    rng = np.random.default_rng(42)
    ef_values = [int(v) for v in args.ef_search.split(",")]
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        vectors, texts, cluster_of, topic_words, vocabulary = generate(size, rng)
        with knowledge_base(args, size) as loaded:
            timings = loaded or load(vectors, texts)
            embedder = PrecomputedEmbedder()
            queries = make_queries(
                args.queries + args.warmup, vectors, cluster_of, topic_words, vocabulary, rng, embedder
            )
            # Steady state, as on a server that has been answering for a while: other queries first
            # bring the HNSW index and the term statistics into shared buffers; then the timed ones.
            warmup, queries = queries[: args.warmup], queries[args.warmup :]
            row_ids = chunk_ids_by_row()
            latency(warmup, embedder, "hybrid")
            result = {"size": size, **timings}
            for mode in ("hybrid", "vector", "fulltext"):
                result[f"{mode}_p50"], result[f"{mode}_p95"] = latency(queries, embedder, mode)
            threads, settings.SEARCH_THREADS = settings.SEARCH_THREADS, 0  # both sides in one statement
            result["hybrid1_p50"], result["hybrid1_p95"] = latency(queries, embedder, "hybrid")
            settings.SEARCH_THREADS = threads
            result["recall"] = {ef: hnsw_recall(queries, vectors, row_ids, ef) for ef in ef_values}
            rows.append(result)
        print(f"done: {size} chunks", file=sys.stderr, flush=True)

    default_ef = max(DEFAULT_TUNING.ef_search_min, DEFAULT_TUNING.depth * 2)
    print(
        f"\nHybrid search latency (search() with k=8, depth={DEFAULT_TUNING.depth}, ef_search={default_ef}), ms"
    )
    columns = [("hybrid", "hyb"), ("vector", "vec"), ("fulltext", "fts"), ("hybrid1", "hyb-one")]
    print(
        f"{'chunks':>8} " + " ".join(f"{short + ' ' + q:>11}" for _, short in columns for q in ("p50", "p95"))
    )
    for r in rows:
        print(
            f"{r['size']:>8} "
            + " ".join(f"{r[f'{mode}_{q}']:>11.1f}" for mode, _ in columns for q in ("p50", "p95"))
        )
    print(
        f"(hyb: the two sides on two connections at once, HELMDESK_SEARCH_THREADS={settings.SEARCH_THREADS}; "
        "hyb-one: both in one statement)"
    )
    print("\nHNSW recall@10 vs exact search, by ef_search")
    print(f"{'chunks':>8} " + " ".join(f"{'ef=' + str(ef):>8}" for ef in ef_values))
    for r in rows:
        print(f"{r['size']:>8} " + " ".join(f"{r['recall'][ef]:>8.3f}" for ef in ef_values))
    print("\nLoad and index build, s")
    print(f"{'chunks':>8} {'load':>8} {'hnsw':>8} {'gin':>8} {'bm25 stats':>11}")
    for r in rows:
        print(
            f"{r['size']:>8} {r['load_s']:>8.1f} {r['hnsw_build_s']:>8.1f} {r['gin_build_s']:>8.1f}"
            f" {r['stats_s']:>11.1f}"
        )
    print(
        f"\nmachine load while measuring: {os.getloadavg()[0]:.1f} (1-min load average, {os.cpu_count()} CPUs)"
    )
    figures = {
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "cpus": os.cpu_count(),
        "ef_search": default_ef,
        "target_p95_ms": 30.0,
        "sizes": {
            str(r["size"]): {
                **{f"{mode}_{q}_ms": round(r[f"{mode}_{q}"], 1) for mode in ("hybrid", "vector", "fulltext", "hybrid1")
                   for q in ("p50", "p95")},
                "recall_at_10": {str(ef): round(r["recall"][ef], 4) for ef in ef_values},
                **{key: round(r[key], 1) for key in ("load_s", "hnsw_build_s", "gin_build_s", "stats_s")},
            }
            for r in rows
        },
    }  # fmt: skip
    if args.embed_samples:
        chunks_per_s, query_ms = embedding_throughput(args.embed_samples)
        print(
            f"\nEmbedding ({get_embedder().name}, threads=2): {chunks_per_s:.1f} chunks/s "
            f"(~180-word chunks), {query_ms:.1f} ms per single query"
        )
        figures["embedding"] = {"chunks_per_s": round(chunks_per_s, 1), "query_ms": round(query_ms, 1)}
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
