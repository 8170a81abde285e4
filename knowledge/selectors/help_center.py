"""Reads for the public help center that combine articles with retrieval."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import nh3
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.html import escape

from helpdesk.extensions import PortalSuggestion
from knowledge.markdown import markdown_snippet_text, markdown_to_text
from knowledge.models import Article, Chunk
from knowledge.selectors.articles import public_article_search, public_articles
from knowledge.selectors.search import search

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HelpSearchResult:
    article: Article
    snippet: str  # safe HTML: escaped text, matched words in <mark>


def articles_for_reader(*, language: str) -> QuerySet[Article]:
    """One public article per family for a reader of `language`: the translation in that language
    where one is published, otherwise the original."""
    translated = public_articles().filter(translation_of=OuterRef("pk"), language=language)
    return public_articles().filter(
        Q(translation_of__isnull=True, language=language)
        | (Q(translation_of__isnull=True) & ~Exists(translated))
        | Q(translation_of__isnull=False, language=language)
    )


def help_center_search(*, query: str, language: str | None = None, limit: int = 8) -> list[HelpSearchResult]:
    """Instant search for customers: the hybrid retrieval with audience=public, one result per
    article; full text over public articles when retrieval is unavailable or has nothing indexed."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    results = _retrieval_results(query, limit)
    if results is not None:  # retrieval answered (an empty list: nothing relevant passed the cut-off)
        return results
    return [
        HelpSearchResult(
            article=article,
            snippet=escape(markdown_snippet_text(article.summary or markdown_to_text(article.body_md)[:200])),
        )
        for article in public_article_search(query=query, language=language, limit=limit)
    ]


def _retrieval_results(query: str, limit: int) -> list[HelpSearchResult] | None:
    """Retrieval's results; None when retrieval cannot answer (failed, or nothing indexed yet)."""
    try:
        # The relevance cut-off: nonsense finds nothing rather than the nearest 8 chunks.
        hits = search(query, k=limit * 3, audience="public", min_relevance=True)
    except Exception:  # the embedding model may be unavailable; full text still answers
        logger.exception("help-center retrieval failed; falling back to full text")
        return None
    if not hits and not Chunk.objects.filter(audience="public").exists():
        return None  # nothing indexed yet (index tasks still queued): the article full text answers
    ordered_ids, snippets = [], {}
    for hit in hits:
        if hit.article_id not in snippets:
            ordered_ids.append(hit.article_id)
            # Snippets are text: markdown cut out of a table or a heading reads as plain words.
            snippet = markdown_snippet_text(hit.snippet or "")
            snippets[hit.article_id] = nh3.clean(snippet, tags={"mark"}, attributes={})
    # Visibility is checked here again: whatever the index says, only public articles are shown.
    articles = public_articles().in_bulk(ordered_ids)
    return [
        HelpSearchResult(article=articles[pk], snippet=snippets[pk]) for pk in ordered_ids if pk in articles
    ][:limit]


def portal_suggestions(query: str, *, limit: int = 3) -> list[PortalSuggestion]:
    """Articles that may answer what a customer is typing into the portal's new-ticket form.
    Registered with helpdesk in KnowledgeConfig.ready(); public articles only, like the help center."""
    query = (query or "").strip()
    if len(query) < 8:  # too little to go on: a few letters match everything
        return []
    return [
        PortalSuggestion(article_id=r.article.pk, article_title=r.article.title, snippet=r.snippet)
        for r in help_center_search(query=query, limit=limit)
    ]


def portal_article_url(article_id: int) -> str | None:
    """The public URL of a suggested article, or None when customers may not see it."""
    article = public_articles().filter(pk=article_id).first()
    return article.get_absolute_url() if article else None
