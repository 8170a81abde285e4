"""Keep an article's chunks in step with the article: chunk, embed, swap atomically.

``article_index(article_id)`` is the only writer of the Chunk table. Embedding (the slow part) runs
outside any transaction; the swap (delete old chunks, insert new ones, fill their tsvectors) is one
short transaction, so a concurrent search sees either the old chunks or the new ones, never none.
Chunks whose embedded text and model are unchanged keep their stored vector.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import connection, transaction

from gateway.embeddings import Embedder, get_embedder
from knowledge.indexing.chunking import (
    TextChunk,
    chunk_document,
    embedding_text,
    markdown_inline_to_text,
)
from knowledge.indexing.term_stats import refresh_term_stats
from knowledge.models import Article, ArticleStatus, Chunk, ChunkAudience

# PostgreSQL text-search configuration per article language; anything else gets 'simple'
# (lower-casing, no stemming, no stop words), which still matches exact words in any language.
SEARCH_CONFIGS = {"en": "english", "de": "german"}
DEFAULT_SEARCH_CONFIG = "simple"

# The title is read from the article row locked in the same transaction.
_FILL_SEARCH_VECTORS = """
UPDATE knowledge_chunk AS c
SET search_vector =
    setweight(to_tsvector(c.search_config::regconfig, a.title || ' ' || array_to_string(c.heading_path, ' ')), 'A')
    || setweight(to_tsvector(c.search_config::regconfig, c.text), 'D')
FROM knowledge_article AS a
WHERE a.id = c.article_id AND c.article_id = ANY(%s)
"""
# Chunks have no dependants and no signals: one plain DELETE, telling which article lost how many.
_DELETE_CHUNKS = "DELETE FROM knowledge_chunk WHERE article_id = ANY(%s) RETURNING article_id"


@dataclass(frozen=True)
class IndexResult:
    article_id: int
    chunks: int
    embedded: int  # chunks whose vector was computed now (the rest were reused)
    removed: int


def search_config_for(language: str) -> str:
    return SEARCH_CONFIGS.get((language or "").split("-")[0].lower(), DEFAULT_SEARCH_CONFIG)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_indexable(article: Article | None) -> bool:
    return article is not None and article.status == ArticleStatus.PUBLISHED


@dataclass
class _Plan:
    """An article's chunks and the text each one embeds, before any vector is computed."""

    article: Article
    pieces: list[TextChunk]
    texts: list[str]
    hashes: list[str]


def _plan(article: Article) -> _Plan:
    pieces = chunk_document(markdown_inline_to_text(article.body_md or article.summary), title=article.title)
    texts = [embedding_text(title=article.title, heading_path=p.heading_path, text=p.text) for p in pieces]
    return _Plan(article=article, pieces=pieces, texts=texts, hashes=[content_hash(t) for t in texts])


def article_index(article_id: int, *, embedder: Embedder | None = None) -> IndexResult:
    """Re-index one article; unpublished, archived or deleted articles lose their chunks."""
    result, changed = _index_one(article_id, embedder)
    if changed:
        refresh_term_stats()  # BM25 document frequencies (after the swap's transaction, never inside it)
    return result


def articles_index_each(article_ids: Iterable[int], *, embedder: Embedder | None = None) -> list[IndexResult]:
    """``article_index`` for each article in turn (reusing stored vectors), with the term statistics
    refreshed once at the end instead of once per article: the task an import queues."""
    outcomes = [_index_one(article_id, embedder) for article_id in article_ids]
    if any(changed for _, changed in outcomes):
        refresh_term_stats()
    return [result for result, _ in outcomes]


def _index_one(article_id: int, embedder: Embedder | None) -> tuple[IndexResult, bool]:
    """Index one article; returns the result and whether the term statistics need a refresh."""
    article = Article.objects.filter(pk=article_id).first()
    if not is_indexable(article):
        with transaction.atomic():
            removed, _ = Chunk.objects.filter(article_id=article_id).delete()
        return IndexResult(article_id=article_id, chunks=0, embedded=0, removed=removed), bool(removed)
    embedder = embedder or get_embedder()
    plan = _plan(article)
    reusable = dict(
        Chunk.objects.filter(
            article_id=article_id, embedding_model=embedder.name, content_hash__in=plan.hashes
        ).values_list("content_hash", "embedding")
    )
    missing = sorted({i for i, digest in enumerate(plan.hashes) if digest not in reusable})
    fresh = embedder.embed_published([plan.texts[i] for i in missing]) if missing else []
    vectors = {plan.hashes[i]: vector for i, vector in zip(missing, fresh, strict=True)}
    vectors.update(reusable)
    return _swap(plan, vectors, embedder.name, embedded=len(missing)), True


BULK_BATCH = 64  # chunks per embedding call: the model's own batch; small enough for a short last write


def articles_index_bulk(
    article_ids: list[int], *, embedder: Embedder | None = None, batch: int = BULK_BATCH, progress=None
) -> list[IndexResult]:
    """Index many articles in embedding batches of about ``batch`` chunks (eval loads, kb_reindex).

    Vectors are always recomputed. ``progress`` is a callable taking the number of chunks embedded.
    While the model embeds one batch, a writer thread stores the previous one (its own database
    connection; one transaction of four statements per batch, see ``_swap_many``), so the database
    work hides behind the model's and the run goes at the model's rate. Inside a transaction (a caller's atomic block,
    a test) the writes stay on the caller's connection, one batch after the other.
    """
    articles = list(Article.objects.filter(pk__in=article_ids).order_by("pk"))
    return articles_index_stream([articles], embedder=embedder, batch=batch, progress=progress)


def articles_index_stream(
    arrivals: Iterable[Sequence[Article]],
    *,
    embedder: Embedder | None = None,
    batch: int = BULK_BATCH,
    progress=None,
) -> list[IndexResult]:
    """Index articles as they arrive, in groups (kb_import hands over what it has written so far).

    Each group is chunked and embedded in batches of about ``batch`` chunks (an article is never
    split); the writes follow ``articles_index_bulk``'s pipeline. Unpublished articles are skipped.
    """
    embedder = embedder or get_embedder()
    results: list[IndexResult] = []
    threaded = not connection.in_atomic_block
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-index-writer") as writer:
        written = []
        try:
            for pending in _plan_batches(arrivals, batch):
                texts = [text for p in pending for text in p.texts]
                vectors = embedder.embed_published(texts) if texts else []
                if threaded:
                    written.append(writer.submit(_write_batch, pending, vectors, embedder.name))
                else:
                    results += _write_batch(pending, vectors, embedder.name)
                if progress and texts:
                    progress(len(texts))
            for future in written:
                results += future.result()
        finally:
            if threaded:
                writer.submit(lambda: connection.close()).result()  # the writer thread's own connection
    refresh_term_stats()
    return results


def _plan_batches(arrivals: Iterable[Sequence[Article]], size: int) -> Iterator[list[_Plan]]:
    """Plans in batches of about ``size`` chunks; a group that arrived is never held back for the next."""
    for group in arrivals:
        pending: list[_Plan] = []
        chunks = 0
        for article in group:
            if not is_indexable(article):
                continue
            if pending and chunks >= size:
                yield pending
                pending, chunks = [], 0
            pending.append(_plan(article))
            chunks += len(pending[-1].texts)
        if pending:
            yield pending


def _write_batch(pending: list[_Plan], vectors, model_name: str) -> list[IndexResult]:
    vectors = iter(vectors)
    swaps = [(p, {h: next(vectors) for h in p.hashes}, len(p.texts)) for p in pending]
    return [result for run in _distinct_runs(swaps) for result in _swap_many(run, model_name)]


_Swap = tuple[_Plan, dict, int]  # a plan, its vectors by chunk hash, how many chunks were embedded


def _distinct_runs(swaps: list[_Swap]) -> Iterator[list[_Swap]]:
    """Consecutive runs without a repeated article (an import can save one article twice): each run is
    one transaction, so a later plan of an article still replaces the earlier one, as it did in order."""
    run: list[_Swap] = []
    ids: set[int] = set()
    for plan, vectors, embedded in swaps:
        if plan.article.pk in ids:
            yield run
            run, ids = [], set()
        run.append((plan, vectors, embedded))
        ids.add(plan.article.pk)
    if run:
        yield run


def _swap(plan: _Plan, vectors: dict, model_name: str, embedded: int) -> IndexResult:
    return _swap_many([(plan, vectors, embedded)], model_name)[0]


def _swap_many(swaps: list[_Swap], model_name: str) -> list[IndexResult]:
    """Swap the chunks of many articles in one transaction and a fixed number of statements (lock the
    articles, delete their chunks, insert the new ones, fill their tsvectors), whatever the count:
    per article the same end state as one transaction each, at a fraction of the statements,
    round trips and commits (kb_reindex, kb_import: the database work the model's time must hide)."""
    ids = [plan.article.pk for plan, _, _ in swaps]
    with transaction.atomic():
        # Lock the articles (in pk order, so two bulk indexers never wait on each other in a
        # cycle): two indexers of one article queue up instead of interleaving, and an article
        # unpublished while we were embedding is not brought back.
        articles = {a.pk: a for a in Article.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
        with connection.cursor() as cursor:
            cursor.execute(_DELETE_CHUNKS, [ids])
            removed = Counter(article_id for (article_id,) in cursor.fetchall())
        results, rows, indexed = [], [], []
        for plan, vectors, embedded in swaps:
            article_id = plan.article.pk
            article = articles.get(article_id)
            if not is_indexable(article):
                results.append(IndexResult(article_id, chunks=0, embedded=0, removed=removed[article_id]))
                continue
            rows += _chunk_rows(article, plan, vectors, model_name)
            indexed.append(article_id)
            results.append(IndexResult(article_id, len(plan.pieces), embedded, removed[article_id]))
        if rows:
            Chunk.objects.bulk_create(rows)
            with connection.cursor() as cursor:
                cursor.execute(_FILL_SEARCH_VECTORS, [indexed])
    return results


def _chunk_rows(article: Article, plan: _Plan, vectors: dict, model_name: str) -> list[Chunk]:
    audience = ChunkAudience.INTERNAL if article.internal_only else ChunkAudience.PUBLIC
    config = search_config_for(article.language)
    return [
        Chunk(
            article_id=article.pk,
            ordinal=piece.ordinal,
            heading_path=list(piece.heading_path),
            text=piece.text,
            word_count=piece.word_count,
            language=article.language,
            audience=audience,
            category_id=article.category_id,
            embedding=vectors[digest],
            embedding_model=model_name,
            search_config=config,
            content_hash=digest,
        )
        for piece, digest in zip(plan.pieces, plan.hashes, strict=True)
    ]


def stale_article_ids(model_name: str, *, everything: bool = False) -> list[int]:
    """Published articles to re-embed: all of them, or those with a chunk from another model (or none)."""
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    if everything:
        return list(published.order_by("pk").values_list("pk", flat=True))
    outdated = set(Chunk.objects.exclude(embedding_model=model_name).values_list("article_id", flat=True))
    indexed = set(Chunk.objects.values_list("article_id", flat=True).distinct())
    ids = published.order_by("pk").values_list("pk", flat=True)
    return [pk for pk in ids if pk in outdated or pk not in indexed]


def orphan_article_ids() -> list[int]:
    """Articles that have chunks but are no longer published."""
    return list(
        Chunk.objects.exclude(article__status=ArticleStatus.PUBLISHED)
        .values_list("article_id", flat=True)
        .distinct()
    )
