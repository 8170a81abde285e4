"""Hybrid retrieval over knowledge-base chunks: the one search entry point for the AI and the help center.

    hits = search("Wie setze ich mein Passwort zurück?", k=5, audience="public")

The SQL (``search_sql``) computes the pgvector cosine top-N and a BM25 full-text top-N (real IDF
and length normalisation from term statistics kept up to date on index, title and headings boosted)
over the same filters, fuses them by reciprocal rank fusion, joins them to their articles (whose
visibility is checked again, so an article unpublished a moment ago never leaks while its re-index
task is still queued) and highlights. ``search_exec`` runs it: prepared statements, and outside a
transaction the sides on several connections at once.

Why these choices (numbers in docs/retrieval.md):
- BM25 rather than ``ts_rank_cd``: PostgreSQL's own ranks know no IDF, so a chunk sharing three
  common words outranked one sharing the rare word that matters.
- Dialogue history is query rewriting on both sides: earlier user turns are embedded and mixed into
  the query vector with geometrically decaying weights, and their words join the BM25 query with
  decaying term weights (the last customer turn counts most).
- Language: a query in German prefers German chunks (``language_boost`` on the fused score), and
  still finds English ones by meaning (the multilingual embedding) when there is nothing German.
- ``min_relevance=True`` (help-center search) drops hits that neither full text nor a close vector
  supports: nonsense finds nothing instead of the 8 nearest chunks.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

import numpy as np
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from gateway.embeddings import Embedder, EmbeddingModelError, get_embedder, normalise
from gateway.llm.errors import LLMError
from knowledge.indexing.index import SEARCH_CONFIGS, search_config_for
from knowledge.selectors.search_exec import release_search_connections, run_search  # noqa: F401 (public here)

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "vector", "fulltext"]
Audience = Literal["public", "internal"]
ALL_SEARCH_CONFIGS = (*sorted(set(SEARCH_CONFIGS.values())), "simple")
AUTO = "auto"
# Private-use characters mark highlights inside ts_headline output; the text is HTML-escaped
# afterwards and the marks become <mark> tags, so article text can never inject markup.
_MARK_START, _MARK_STOP = "\ue000", "\ue001"
_MARKDOWN_RESIDUE = re.compile(r"(\*\*|__|`+|^#{1,6}\s+|\[\[|\]\])", re.MULTILINE)


@dataclass(frozen=True)
class SearchTuning:
    rrf_k: int = 60
    depth: int = 40  # candidates taken from each side before fusion
    vector_weight: float = 1.0
    text_weight: float = 1.0
    history_turns: int = 3  # earlier user turns used
    history_decay: float = 0.5  # vector weight of the previous user turn relative to the question
    history_text_weight: float = 0.3  # BM25 term weight of the previous user turn's words
    include_agent_turns: bool = False
    ef_search_min: int = 64
    # BM25 (see search_sql): term saturation, length normalisation, title/heading field boost.
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    title_boost: float = 2.0
    # A single query term is enough to make a chunk a candidate when it is rare: df <= max(min, ratio * N).
    # On a help center of a few thousand chunks that is nearly every term; at 100k chunks only terms
    # in at most 200 chunks, so a common word cannot make the scoring read half the index.
    rare_df_min: int = 200
    rare_df_ratio: float = 0.002
    # Terms in more than max(min, ratio * N) chunks only score, never select candidates (bounds the work
    # at 100k chunks; a knowledge base under ~1000 chunks never hits it); at most max_candidates are scored.
    common_df_min: int = 1000
    common_df_ratio: float = 0.05
    max_candidates: int = 5000
    # Fused score factor for chunks in the query's language that are on topic (a full-text match, or
    # a cosine of at least language_boost_cosine): an unrelated German chunk never beats the English answer.
    language_boost: float = 1.3
    language_boost_cosine: float = 0.35
    # Relevance cut-off (min_relevance=True): a hit needs a cosine of at least relevance_cosine, or a
    # full-text match and at least relevance_cosine_with_text.
    relevance_cosine: float = 0.45
    relevance_cosine_with_text: float = 0.25


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
    text_score: float | None  # BM25 score, when the chunk matched the full-text query
    vector_rank: int | None = None
    text_rank: int | None = None


@dataclass
class _Query:
    vector: np.ndarray | None
    query_texts: tuple[str, ...]  # the question, then earlier user turns (most recent first)
    query_weights: tuple[float, ...]  # BM25 term weight of each text's words
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
    prefer_language: str | None = AUTO,
    min_relevance: bool = False,
    snippets: bool = True,
) -> list[SearchHit]:
    """Best ``k`` chunks for ``query``. ``audience="public"`` never returns internal or unpublished content.

    ``history`` is the dialogue so far, oldest first, as ``{"role": "user"|"assistant"|..., "text": ...}``
    (``content`` is accepted for ``text``); the current ``query`` must not be repeated in it.
    ``prefer_language``: chunks in this language rank higher; ``"auto"`` detects it from the query
    (only when the detection is clear), ``None`` switches the preference off.
    ``snippets=False`` skips the highlighting (``ts_headline``) for callers that never show a snippet
    (the answer pipeline): ``snippet`` is then the escaped start of the text; the hits are the same.
    """
    if audience not in ("public", "internal"):
        raise ValueError(f"audience must be 'public' or 'internal', not {audience!r}")
    if mode not in ("hybrid", "vector", "fulltext"):
        raise ValueError(f"unknown search mode {mode!r}")
    query = (query or "").strip()
    if not query or k <= 0:
        return []
    if prefer_language == AUTO:
        prefer_language = None if language else query_language(query)
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
    rows = run_search(
        prepared, k=k, audience=audience, language=language, category_id=category_id, mode=mode,
        tuning=tuning, prefer_language=prefer_language, snippets=snippets,
    )  # fmt: skip
    hits = [_hit(row) for row in rows]
    if min_relevance:
        hits = [hit for hit in hits if is_relevant(hit, tuning)]
    return hits


def is_relevant(hit: SearchHit, tuning: SearchTuning = DEFAULT_TUNING) -> bool:
    """The help-center cut-off: close in meaning, or matching words and not far off in meaning."""
    if hit.vector_score is None:  # full text only (no embedder): a BM25 match is all there is
        return hit.text_score is not None
    if hit.vector_score >= tuning.relevance_cosine:
        return True
    return hit.text_score is not None and hit.vector_score >= tuning.relevance_cosine_with_text


@lru_cache(maxsize=1)
def _languages() -> tuple[str, ...]:
    return tuple(code.split("-")[0] for code, _name in settings.LANGUAGES)


def query_language(text: str, *, min_letters: int = 12, min_probability: float = 0.9) -> str | None:
    """The query's language when py3langid is sure (restricted to the site's languages), else None."""
    if sum(char.isalpha() for char in text) < min_letters:
        return None
    with _identifier_lock:  # the identifier keeps state between set_languages and classify
        code, probability = _identifier(_languages()).classify(text)
    return str(code) if float(probability) >= min_probability else None


_identifier_lock = threading.Lock()


@lru_cache(maxsize=4)
def _identifier(languages: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


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


def fulltext_query_terms(
    query: str, history: Sequence[dict] = (), tuning: SearchTuning | None = None
) -> tuple[list[str], list[float]]:
    """The full-text query's texts and term weights (query rewriting from the dialogue): the question
    weighs 1, the earlier user turns ``history_text_weight`` decaying by ``history_decay`` per turn."""
    tuning = tuning or DEFAULT_TUNING
    earlier = history_user_turns(
        history, limit=tuning.history_turns, include_agent=tuning.include_agent_turns
    )
    weights = [1.0] + [tuning.history_text_weight * tuning.history_decay**i for i in range(len(earlier))]
    return [query, *earlier], weights


def _prepare(
    query: str,
    history: Sequence[dict],
    *,
    mode: Mode,
    language: str | None,
    tuning: SearchTuning,
    embedder: Embedder | None,
) -> _Query:
    # The question and the earlier user turns: the full-text query's texts, and what the vector averages.
    query_texts, text_weights = fulltext_query_terms(query, history, tuning)
    vector = None
    if mode != "fulltext":
        embedder = embedder or get_embedder()
        # Customer text: a remote embedder sends it only redacted (the gateway redacts it).
        vectors = embedder.embed_queries(query_texts)
        weights = np.array([tuning.history_decay**i for i in range(len(query_texts))], dtype=np.float32)
        vector = normalise((weights[:, None] * vectors).sum(axis=0))[0]
    configs = (search_config_for(language),) if language else ALL_SEARCH_CONFIGS
    return _Query(
        vector=vector,
        query_texts=tuple(query_texts),
        query_weights=tuple(text_weights),
        configs=configs,
    )


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
    plain = _MARKDOWN_RESIDUE.sub("", headline)  # snippets are text: no stray ** or ## from the source
    return html.escape(plain).replace(_MARK_START, "<mark>").replace(_MARK_STOP, "</mark>")


def article_url(slug: str) -> str:
    # Resolving a URL costs ~0.2 ms; a search returns up to dozens of hits, mostly the same articles.
    return _article_url(slug, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=4096)
def _article_url(slug: str, _urlconf, _script_prefix: str) -> str:
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
