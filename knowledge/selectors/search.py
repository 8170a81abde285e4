"""Hybrid retrieval over knowledge-base chunks: the one search entry point for the AI and the help center.

    hits = search("Wie setze ich mein Passwort zurück?", k=5, audience="public")

One SQL statement (after one ``set_config`` for the HNSW scan) does everything: the pgvector cosine
top-N and the PostgreSQL full-text top-N are computed as CTEs over the same filters, fused by
reciprocal rank fusion, joined to their articles (whose visibility is checked again, so an article
unpublished a moment ago never leaks while its re-index task is still queued) and highlighted.

Why these choices (numbers in docs/retrieval.md):
- The full-text side ranks by ``ts_rank_cd`` against the question's content words OR-ed (a whole
  question as an AND query almost never matches) and only ranks chunks that contain at least two
  of them (see MAX_MATCH_TERMS): better precision, and bounded work on a large knowledge base.
- Rank fusion weighs the vector side higher, so a German question finding an English article by
  meaning is not pushed down by chunks that merely share a German word.
- Dialogue history: earlier user turns are embedded separately and mixed into the query vector
  with geometrically decaying weights; for full text they form a second, down-weighted tsquery.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse

from gateway.embeddings import Embedder, EmbeddingModelError, get_embedder, normalise
from gateway.llm.errors import LLMError
from knowledge.indexing.index import SEARCH_CONFIGS, search_config_for

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "vector", "fulltext"]
Audience = Literal["public", "internal"]
ALL_SEARCH_CONFIGS = (*sorted(set(SEARCH_CONFIGS.values())), "simple")
# Private-use characters mark highlights inside ts_headline output; the text is HTML-escaped
# afterwards and the marks become <mark> tags, so article text can never inject markup.
_MARK_START, _MARK_STOP = "\ue000", "\ue001"


@dataclass(frozen=True)
class SearchTuning:
    rrf_k: int = 60
    depth: int = 40  # candidates taken from each side before fusion
    vector_weight: float = 1.0
    text_weight: float = 0.6
    history_turns: int = 3  # earlier user turns used
    history_decay: float = 0.5  # weight of the previous user turn relative to the question
    history_text_weight: float = 0.3  # rank weight of the history tsquery relative to the question's
    include_agent_turns: bool = False
    ef_search_min: int = 64
    # Full-text ranking: PostgreSQL's rank function and its length normalisation bit mask
    # (0: none, 1: 1 + log(length), 2: length, 32: rank / (rank + 1)).
    text_rank_function: Literal["ts_rank_cd", "ts_rank"] = "ts_rank_cd"
    text_normalization: int = 0


DEFAULT_TUNING = SearchTuning()


@dataclass(frozen=True)
class SearchHit:
    chunk_id: int
    article_id: int
    article_title: str
    article_slug: str
    url: str
    heading_path: tuple[str, ...]
    text: str
    snippet: str  # HTML: escaped text with <mark> around matched words
    language: str
    category_id: int | None
    score: float  # fused reciprocal-rank score (comparable within one search)
    vector_score: float | None  # cosine similarity, when the chunk was a vector candidate
    text_score: float | None  # ts_rank_cd, when the chunk matched the full-text query
    vector_rank: int | None = None
    text_rank: int | None = None


@dataclass
class _Query:
    vector: np.ndarray | None
    question_tsquery_text: str
    history_tsquery_text: str
    configs: tuple[str, ...] = field(default_factory=tuple)


def search(
    query: str,
    *,
    k: int = 8,
    audience: Audience = "public",
    language: str | None = None,
    category_id: int | None = None,
    history: Sequence[dict] | None = None,
    mode: Mode = "hybrid",
    tuning: SearchTuning = DEFAULT_TUNING,
    embedder: Embedder | None = None,
) -> list[SearchHit]:
    """Best ``k`` chunks for ``query``. ``audience="public"`` never returns internal or unpublished content.

    ``history`` is the dialogue so far, oldest first, as ``{"role": "user"|"assistant"|..., "text": ...}``
    (``content`` is accepted for ``text``); the current ``query`` must not be repeated in it.
    """
    if audience not in ("public", "internal"):
        raise ValueError(f"audience must be 'public' or 'internal', not {audience!r}")
    if mode not in ("hybrid", "vector", "fulltext"):
        raise ValueError(f"unknown search mode {mode!r}")
    query = (query or "").strip()
    if not query or k <= 0:
        return []
    try:
        prepared = _prepare(
            query, history or (), mode=mode, language=language, tuning=tuning, embedder=embedder
        )
    except (EmbeddingModelError, LLMError) as exc:
        if mode != "hybrid":
            raise
        # The embedding service is down or the model refused to load: full text still answers.
        logger.warning("search: embedding failed (%s); answering from full text only", exc)
        mode = "fulltext"
        prepared = _prepare(
            query, history or (), mode=mode, language=language, tuning=tuning, embedder=embedder
        )
    rows = _run(
        prepared, k=k, audience=audience, language=language, category_id=category_id, mode=mode, tuning=tuning
    )
    return [_hit(row) for row in rows]


def history_user_turns(history: Sequence[dict], *, limit: int, include_agent: bool = False) -> list[str]:
    """The last ``limit`` turns worth using from a dialogue, most recent first."""
    turns = []
    for turn in reversed(list(history)):
        role = str(turn.get("role") or turn.get("speaker") or "user").lower()
        text = str(turn.get("text") or turn.get("content") or "").strip()
        if text and (role in {"user", "customer"} or include_agent):
            turns.append(text)
        if len(turns) >= limit:
            break
    return turns


def _prepare(
    query: str,
    history: Sequence[dict],
    *,
    mode: Mode,
    language: str | None,
    tuning: SearchTuning,
    embedder: Embedder | None,
) -> _Query:
    earlier = history_user_turns(
        history, limit=tuning.history_turns, include_agent=tuning.include_agent_turns
    )
    vector = None
    if mode != "fulltext":
        embedder = embedder or get_embedder()
        texts = [query, *earlier]
        # Customer text: a remote embedder sends it only redacted (the gateway redacts it).
        vectors = embedder.embed_queries(texts)
        weights = np.array([tuning.history_decay**i for i in range(len(texts))], dtype=np.float32)
        vector = normalise((weights[:, None] * vectors).sum(axis=0))[0]
    configs = (search_config_for(language),) if language else ALL_SEARCH_CONFIGS
    return _Query(
        vector=vector,
        question_tsquery_text=query,
        history_tsquery_text=" ".join(earlier),
        configs=configs,
    )


def _or_tsquery_sql(param: str, configs: tuple[str, ...]) -> str:
    """SQL for: the content words of %(param)s, OR-ed, under every text-search config in use."""
    parts = [
        f"replace(plainto_tsquery('{config}'::regconfig, %({param})s)::text, ' & ', ' | ')::tsquery"
        for config in configs
    ]
    return " || ".join(parts)


# Which chunks the full-text side ranks. Ranking costs ~30-60 us per matching chunk and an OR of a
# question's words matches a large part of a big knowledge base, so a chunk must contain at least
# two of the question's content words (like Lucene's minimum_should_match=2): pairs of lexemes,
# OR-ed. A question with fewer than three content words (a follow-up like "how long does that
# take?") borrows the dialogue's words; with fewer than three in all, any one word matches.
# Lexemes are per text-search configuration; question words first, then the longest (rarest).
MAX_MATCH_TERMS = 12
_MATCH_TERMS_SQL = """
    WITH raw AS (
        SELECT cfg, replace(lexeme, chr(92), '') AS lexeme, false AS from_history
        FROM unnest(%(configs)s::text[]) AS cfg,
             unnest(tsvector_to_array(to_tsvector(cfg::regconfig, %(question)s))) AS lexeme
        UNION ALL
        SELECT cfg, replace(lexeme, chr(92), ''), true
        FROM unnest(%(configs)s::text[]) AS cfg,
             unnest(tsvector_to_array(to_tsvector(cfg::regconfig, %(history)s))) AS lexeme
    ),
    thin AS (
        SELECT c AS cfg FROM unnest(%(configs)s::text[]) AS c
        WHERE (SELECT count(*) FROM raw r WHERE r.cfg = c AND NOT r.from_history) < 3
    ),
    usable AS (
        SELECT DISTINCT ON (cfg, lexeme) cfg, lexeme, from_history FROM raw
        WHERE lexeme <> '' AND (NOT from_history OR cfg IN (SELECT cfg FROM thin))
        ORDER BY cfg, lexeme, from_history
    )
    SELECT cfg, lexeme FROM (
        SELECT cfg, lexeme,
               row_number() OVER (PARTITION BY cfg ORDER BY from_history, length(lexeme) DESC, lexeme) AS n
        FROM usable
    ) AS ranked
    WHERE n <= %(max_match_terms)s
"""
_MATCH_TSQUERY_SQL = """
    SELECT COALESCE(string_agg(clause, ' | '), '')::tsquery FROM (
        SELECT '(' || quote_nullable(a.lexeme) || ' & ' || quote_nullable(b.lexeme) || ')'
        FROM terms a JOIN terms b ON a.cfg = b.cfg AND a.lexeme < b.lexeme
        WHERE (SELECT count(*) FROM terms t WHERE t.cfg = a.cfg) >= 3
        UNION ALL
        SELECT quote_nullable(t.lexeme) FROM terms t
        WHERE (SELECT count(*) FROM terms u WHERE u.cfg = t.cfg) < 3
    ) AS clauses(clause)
"""


def _filters(audience: Audience, language: str | None, category_id: int | None) -> tuple[str, dict]:
    clauses, params = [], {}
    if audience == "public":
        clauses.append("c.audience = 'public'")
    if language:
        clauses.append("c.language = %(language)s")
        params["language"] = language
    if category_id is not None:
        clauses.append("c.category_id = %(category_id)s")
        params["category_id"] = category_id
    return (" AND ".join(clauses) or "TRUE"), params


def _run(prepared: _Query, *, mode: Mode, tuning: SearchTuning, **options) -> list[dict]:
    sql, params = build_sql(prepared, mode=mode, tuning=tuning, **options)
    # No savepoint inside a caller's transaction: the search is two statements, nothing to roll back.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if mode != "fulltext":
            # ef_search bounds the HNSW candidate list: it must cover the depth we ask for; the
            # iterative scan keeps going when filters (audience, language, category) reject rows.
            ef_search = max(tuning.ef_search_min, params["depth"] * 2)
            cursor.execute(
                "SELECT set_config('hnsw.ef_search', %s, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)",
                [str(ef_search)],
            )
        cursor.execute(sql, params)
        columns = [col.name for col in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def build_sql(
    prepared: _Query,
    *,
    k: int,
    audience: Audience,
    language: str | None,
    category_id: int | None,
    mode: Mode,
    tuning: SearchTuning,
) -> tuple[str, dict]:
    where, params = _filters(audience, language, category_id)
    depth = max(tuning.depth, k)
    use_vector, use_text = mode in ("hybrid", "vector"), mode in ("hybrid", "fulltext")
    params.update(
        depth=depth,
        k=k,
        rrf_k=tuning.rrf_k,
        vector_weight=tuning.vector_weight if use_vector else 0.0,
        text_weight=tuning.text_weight if use_text else 0.0,
        history_text_weight=tuning.history_text_weight,
        question=prepared.question_tsquery_text,
        configs=list(prepared.configs),
        max_match_terms=MAX_MATCH_TERMS,
        history=prepared.history_tsquery_text,
        mark_options=f"StartSel={_MARK_START}, StopSel={_MARK_STOP}, MaxWords=35, MinWords=15, "
        "MaxFragments=2, FragmentDelimiter= … ",
    )
    vector_cte = "SELECT NULL::bigint AS id, NULL::float8 AS dist, NULL::bigint AS rnk WHERE FALSE"
    if use_vector:
        params["qvec"] = "[" + ",".join(f"{x:.7g}" for x in prepared.vector) + "]"
        vector_cte = f"""
            SELECT id, dist, row_number() OVER (ORDER BY dist, id) AS rnk FROM (
                SELECT c.id, (c.embedding <=> %(qvec)s::vector) AS dist FROM knowledge_chunk c
                WHERE {where} ORDER BY c.embedding <=> %(qvec)s::vector LIMIT %(depth)s
            ) v"""  # noqa: S608 (only fixed SQL fragments are interpolated; values are parameters)
    text_cte = "SELECT NULL::bigint AS id, NULL::float4 AS rank, NULL::bigint AS rnk WHERE FALSE"
    if use_text:
        rank = {"ts_rank_cd": "ts_rank_cd", "ts_rank": "ts_rank"}[tuning.text_rank_function]
        params["normalization"] = int(tuning.text_normalization)
        history_rank = (
            f" + %(history_text_weight)s * {rank}(c.search_vector, q.history, %(normalization)s)"
            if prepared.history_tsquery_text
            else ""
        )
        text_cte = f"""
            SELECT id, rank, row_number() OVER (ORDER BY rank DESC, id) AS rnk FROM (
                SELECT c.id,
                    {rank}(c.search_vector, q.question, %(normalization)s){history_rank} AS rank
                FROM knowledge_chunk c, tsq q
                WHERE c.search_vector @@ q.match AND {where}
                ORDER BY rank DESC LIMIT %(depth)s
            ) t"""  # noqa: S608 (only fixed SQL fragments are interpolated; values are parameters)
    sql = f"""
        WITH terms AS MATERIALIZED ({_MATCH_TERMS_SQL}),
        tsq AS MATERIALIZED (
            SELECT {_or_tsquery_sql("question", prepared.configs)} AS question,
                   {_or_tsquery_sql("history", prepared.configs)} AS history,
                   ({_MATCH_TSQUERY_SQL}) AS match
        ),
        vec AS ({vector_cte}),
        txt AS ({text_cte}),
        fused AS (
            SELECT COALESCE(vec.id, txt.id) AS id, vec.dist, vec.rnk AS vector_rank,
                   txt.rank AS text_score, txt.rnk AS text_rank,
                   COALESCE(%(vector_weight)s / (%(rrf_k)s + vec.rnk), 0)
                   + COALESCE(%(text_weight)s / (%(rrf_k)s + txt.rnk), 0) AS score
            FROM vec FULL OUTER JOIN txt ON vec.id = txt.id
        )
        SELECT f.id, f.dist, f.vector_rank, f.text_score, f.text_rank, f.score,
               c.article_id, c.heading_path, c.text, c.language, c.category_id,
               a.title, a.slug,
               ts_headline(c.search_config::regconfig,
                           replace(replace(c.text, E'\\ue000', ''), E'\\ue001', ''),
                           q.question || q.history, %(mark_options)s) AS headline
        FROM fused f
        JOIN knowledge_chunk c ON c.id = f.id
        JOIN knowledge_article a ON a.id = c.article_id
        CROSS JOIN tsq q
        WHERE a.status = 'published' {"AND NOT a.internal_only" if audience == "public" else ""}
        ORDER BY f.score DESC, f.id
        LIMIT %(k)s
    """  # noqa: S608 (only fixed SQL fragments are interpolated; values are parameters)
    return sql, params


def _hit(row: dict) -> SearchHit:
    return SearchHit(
        chunk_id=row["id"],
        article_id=row["article_id"],
        article_title=row["title"],
        article_slug=row["slug"],
        url=article_url(row["slug"]),
        heading_path=tuple(row["heading_path"] or ()),
        text=row["text"],
        snippet=highlight_html(row["headline"] or row["text"][:300]),
        language=row["language"],
        category_id=row["category_id"],
        score=float(row["score"]),
        vector_score=None if row["dist"] is None else 1.0 - float(row["dist"]),
        text_score=None if row["text_score"] is None else float(row["text_score"]),
        vector_rank=row["vector_rank"],
        text_rank=row["text_rank"],
    )


def highlight_html(headline: str) -> str:
    return html.escape(headline).replace(_MARK_START, "<mark>").replace(_MARK_STOP, "</mark>")


def article_url(slug: str) -> str:
    try:
        return reverse("help:article", kwargs={"slug": slug})
    except NoReverseMatch:  # help-center URLs not mounted (e.g. an API-only deployment)
        return f"/help/{slug}/"


@dataclass(frozen=True)
class ArticleHit:
    article_id: int
    best: SearchHit
    score: float


def best_chunk_per_article(hits: Sequence[SearchHit]) -> list[ArticleHit]:
    """Collapse chunk hits to articles, keeping each article's best chunk, in hit order."""
    seen: dict[int, ArticleHit] = {}
    for hit in hits:
        if hit.article_id not in seen:
            seen[hit.article_id] = ArticleHit(article_id=hit.article_id, best=hit, score=hit.score)
    return list(seen.values())


def search_articles(
    query: str, *, k: int = 10, chunk_depth: int | None = None, **options
) -> list[ArticleHit]:
    """Document-level results: searches ``chunk_depth`` chunks (default 4k) and keeps the best per article."""
    chunk_k = chunk_depth or 4 * k
    tuning = options.pop("tuning", DEFAULT_TUNING)
    if tuning.depth < chunk_k:
        tuning = replace(tuning, depth=chunk_k)
    return best_chunk_per_article(search(query, k=chunk_k, tuning=tuning, **options))[:k]
