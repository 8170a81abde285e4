"""Retrieval evaluation: load documents into a throwaway knowledge base, score questions, report.

``manage.py eval_retrieval`` is the interface; this module does the work. The knowledge base is a
separate PostgreSQL database created (with all migrations) for the run and dropped afterwards, on
the same server as the configured one, so the real knowledge base is never read or written.

Metrics are document-level: a search returns chunks, the best chunk per article counts, and a
question is a hit at n when one of its gold documents is among the first n articles. MRR is
cut off at ``k``. Latency is the whole ``search()`` call (query embedding included) as a caller sees it.

The tuning history (what was tried, with numbers) is in docs/retrieval.md.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, connections
from tqdm import tqdm

from gateway.embeddings import Embedder, get_embedder
from knowledge.evaluation.baseline import BaselineIndex, baseline_query, baseline_vector
from knowledge.indexing.index import articles_index_bulk
from knowledge.models import Article, ArticleSource, ArticleStatus, Chunk
from knowledge.selectors.search import (
    DEFAULT_TUNING,
    SearchTuning,
    release_search_connections,
    search_articles,
)

BASELINE = "baseline"  # plain BM25 + sentence-encoder RRF (knowledge/evaluation/baseline.py)
MODES = ("vector", "fulltext", "hybrid")
METRICS = ("hit@1", "hit@5", "hit@10", "mrr", "p50_ms", "p95_ms")


class EvalInputError(ValueError):
    """A documents or questions file is malformed; the message says which line and why."""


@dataclass(frozen=True)
class EvalDocument:
    doc_id: str
    text: str
    title: str = ""
    language: str = "en"


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    gold_doc_ids: tuple[str, ...]
    history: tuple[dict, ...] = ()
    subset: str = ""  # the dataset or collection the question belongs to (reported separately)


@dataclass
class ModeResult:
    ranks: list[int | None] = field(default_factory=list)  # 1-based rank of the first gold document
    latencies_ms: list[float] = field(default_factory=list)
    subsets: list[str] = field(default_factory=list)  # per question, parallel to ranks

    def subset(self, name: str) -> ModeResult:
        keep = [i for i, s in enumerate(self.subsets) if s == name]
        return ModeResult(
            ranks=[self.ranks[i] for i in keep],
            latencies_ms=[self.latencies_ms[i] for i in keep],
            subsets=[name] * len(keep),
        )

    def metrics(self, k: int) -> dict[str, float]:
        n = max(len(self.ranks), 1)

        def hit_at(cutoff: int) -> float:
            return round(sum(1 for r in self.ranks if r is not None and r <= cutoff) / n, 4)

        mrr = sum(1.0 / r for r in self.ranks if r is not None and r <= k) / n
        return {
            "hit@1": hit_at(1),
            "hit@5": hit_at(5),
            "hit@10": hit_at(10),
            "mrr": round(mrr, 4),
            "p50_ms": round(percentile(self.latencies_ms, 50), 1),
            "p95_ms": round(percentile(self.latencies_ms, 95), 1),
        }


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1])


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        raise EvalInputError(f"cannot read {path}: {exc.strerror}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalInputError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise EvalInputError(f"{path}:{number}: expected a JSON object")
            yield number, record


def load_documents(path: Path) -> list[EvalDocument]:
    documents, seen = [], set()
    for number, record in _read_jsonl(path):
        doc_id, text = record.get("doc_id"), record.get("text")
        if doc_id in (None, "") or not isinstance(text, str):
            raise EvalInputError(f"{path}:{number}: needs 'doc_id' and a string 'text'")
        if str(doc_id) in seen:
            raise EvalInputError(f"{path}:{number}: duplicate doc_id {doc_id!r}")
        seen.add(str(doc_id))
        documents.append(
            EvalDocument(
                doc_id=str(doc_id),
                text=text,
                title=str(record.get("title") or ""),
                language=str(record.get("language") or "en"),
            )
        )
    return documents


def load_questions(path: Path) -> list[EvalQuestion]:
    questions = []
    for number, record in _read_jsonl(path):
        gold = record.get("gold_doc_ids") or ([record["gold_doc_id"]] if record.get("gold_doc_id") else [])
        if not isinstance(record.get("question"), str) or not gold:
            raise EvalInputError(f"{path}:{number}: needs a string 'question' and 'gold_doc_id'")
        history = record.get("history") or []
        if not isinstance(history, list) or not all(isinstance(turn, dict) for turn in history):
            raise EvalInputError(f"{path}:{number}: 'history' must be a list of {{role, text}} objects")
        questions.append(
            EvalQuestion(
                id=str(record.get("id", number)),
                question=record["question"],
                gold_doc_ids=tuple(str(g) for g in gold),
                history=tuple(history),
                subset=str(record.get("subset") or ""),
            )
        )
    return questions


EVAL_DATABASE_PREFIX = "helmdesk_eval_"


def drop_abandoned_eval_databases(alias: str = "default") -> list[str]:
    """Drop throwaway databases left by killed runs on this machine (their process no longer exists)."""
    connection = connections[alias]
    dropped = []
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [EVAL_DATABASE_PREFIX + "%"])
        for (name,) in cursor.fetchall():
            pid = name.removeprefix(EVAL_DATABASE_PREFIX).split("_", 1)[0]
            if pid.isdigit() and not _process_alive(int(pid)):
                # FORCE: a killed client's server session may still be finishing its last query.
                try:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # noqa: S608 (name from pg_database)
                except DatabaseError:  # another run is dropping it right now
                    continue
                dropped.append(name)
    return dropped


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def throwaway_knowledge_base(alias: str = "default") -> Iterator[str]:
    """Switch the connection to a new, fully migrated database for the duration; drop it afterwards."""
    connection = connections[alias]
    if not os.environ.get("DATABASE_URL"):
        # Only on the embedded server: its clients are processes of this machine, so a pid that is
        # not alive here really is gone.
        drop_abandoned_eval_databases(alias)
    original_name = connection.settings_dict["NAME"]
    test_settings = connection.settings_dict.setdefault("TEST", {})
    saved_test_name = test_settings.get("NAME")
    test_settings["NAME"] = f"{EVAL_DATABASE_PREFIX}{os.getpid()}_{secrets.token_hex(3)}"
    _close_pool(connection)  # pooled connections still point at the real database
    try:
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        test_settings["NAME"] = saved_test_name
    _close_pool(connection)
    try:
        yield name
    finally:
        _close_pool(connection)
        connection.creation.destroy_test_db(original_name, verbosity=0)
        _close_pool(connection)


def _close_pool(connection) -> None:
    """With HELMDESK_DB_POOL_MAX > 0 the backend keeps a connection pool bound to one database name;
    switching databases must drop it so new connections go to the current NAME. The search threads'
    connections (the vector side of hybrid search) are closed too: they would keep the old database
    open and in use."""
    release_search_connections()
    connection.close()
    close_pool = getattr(connection, "close_pool", None)
    if close_pool is not None:
        close_pool()


def index_documents(
    documents: Sequence[EvalDocument], *, embedder: Embedder, show_progress: bool = True
) -> dict[int, str]:
    """Store the documents as published articles, chunk and embed them; return article id -> doc_id."""
    articles = Article.objects.bulk_create(
        Article(
            title=(doc.title or doc.text.strip().split("\n", 1)[0])[:300] or doc.doc_id[:300],
            slug=f"eval-{index}",
            body_md=doc.text,
            language=doc.language,
            status=ArticleStatus.PUBLISHED,
            source=ArticleSource.JSONL,
            external_id=doc.doc_id[:500],
        )
        for index, doc in enumerate(documents)
    )
    id_to_doc = {article.pk: doc.doc_id for article, doc in zip(articles, documents, strict=True)}
    ids = list(id_to_doc)
    with tqdm(desc="embedding chunks", unit="chunk", disable=not show_progress) as bar:
        articles_index_bulk(ids, embedder=embedder, progress=bar.update)
    return id_to_doc


def score_questions(
    questions: Sequence[EvalQuestion],
    id_to_doc: dict[int, str],
    *,
    modes: Sequence[str] = MODES,
    k: int = 10,
    use_history: bool = False,
    tuning: SearchTuning = DEFAULT_TUNING,
    embedder: Embedder | None = None,
    show_progress: bool = True,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, ModeResult]:
    results = {mode: ModeResult() for mode in modes}
    baseline = BaselineIndex.load() if BASELINE in modes else None
    for mode in modes:
        for question in tqdm(questions, desc=f"searching ({mode})", unit="q", disable=not show_progress):
            started = clock()
            if mode == BASELINE:
                text = baseline_query(question.question, question.history, use_history=use_history)
                vector = baseline_vector(embedder or get_embedder(), text)
                article_ids = baseline.search_articles(text, vector, k=max(k, 10))
            else:
                hits = search_articles(
                    question.question,
                    k=max(k, 10),
                    audience="internal",
                    history=list(question.history) if use_history else None,
                    mode=mode,
                    tuning=tuning,
                    embedder=embedder,
                )
                article_ids = [hit.article_id for hit in hits]
            results[mode].latencies_ms.append((clock() - started) * 1000)
            results[mode].subsets.append(question.subset)
            ranked = [id_to_doc.get(article_id) for article_id in article_ids]
            gold = set(question.gold_doc_ids)
            rank = next((i for i, doc_id in enumerate(ranked, start=1) if doc_id in gold), None)
            results[mode].ranks.append(rank)
    return results


@dataclass
class EvalReport:
    documents: int
    chunks: int
    questions: int
    skipped_questions: int
    index_seconds: float
    metrics: dict[str, dict[str, float]]
    subsets: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # subset -> mode -> metrics

    def table(self) -> str:
        header = f"{'mode':<10}" + "".join(f"{name:>9}" for name in METRICS)
        lines = [
            f"{self.documents} documents, {self.chunks} chunks (indexed in {self.index_seconds:.1f} s), "
            f"{self.questions} questions"
            + (
                f" ({self.skipped_questions} skipped: gold document not in the documents file)"
                if self.skipped_questions
                else ""
            ),
            header,
            "-" * len(header),
        ]
        for mode, values in self.metrics.items():
            lines.append(f"{mode:<10}" + "".join(f"{values[name]:>9}" for name in METRICS))
        for subset, by_mode in self.subsets.items():
            lines += ["", f"subset {subset}:"]
            for mode, values in by_mode.items():
                lines.append(f"{mode:<10}" + "".join(f"{values[name]:>9}" for name in METRICS))
        return "\n".join(lines)


def run_evaluation(
    documents_path: Path,
    questions_path: Path,
    *,
    use_history: bool = False,
    k: int = 10,
    tuning: SearchTuning = DEFAULT_TUNING,
    show_progress: bool = True,
    embedder: Embedder | None = None,
    modes: Sequence[str] = MODES,
) -> EvalReport:
    documents = load_documents(documents_path)
    questions = load_questions(questions_path)
    known = {doc.doc_id for doc in documents}
    answerable = [q for q in questions if known.intersection(q.gold_doc_ids)]
    embedder = embedder or get_embedder()
    with throwaway_knowledge_base():
        started = time.perf_counter()
        id_to_doc = index_documents(documents, embedder=embedder, show_progress=show_progress)
        index_seconds = time.perf_counter() - started
        chunks = Chunk.objects.count()
        results = score_questions(
            answerable,
            id_to_doc,
            modes=modes,
            k=k,
            use_history=use_history,
            tuning=tuning,
            embedder=embedder,
            show_progress=show_progress,
        )
    return EvalReport(
        documents=len(documents),
        chunks=chunks,
        questions=len(answerable),
        skipped_questions=len(questions) - len(answerable),
        index_seconds=index_seconds,
        metrics={mode: result.metrics(k) for mode, result in results.items()},
        subsets={
            name: {mode: result.subset(name).metrics(k) for mode, result in results.items()}
            for name in sorted({q.subset for q in answerable if q.subset})
            if len({q.subset for q in answerable}) > 1
        },
    )
