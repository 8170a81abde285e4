"""Interfaces the knowledge base offers the apps above it (ai), so it never imports them.

- Article usage counts for the desk's article list ("cited / helpful / deflected"): the AI knows them;
  it registers a provider, the list view asks it for the page's articles.
- Proposed changes to an existing article (a knowledge gap's "update" draft): the editor opens with
  the proposal applied (not saved), and tells the proposer when the article was saved with it.

With nothing registered the features are simply off (no counts column, no proposal); a failing
provider is logged and ignored, never an error page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# --- Usage counts in the article list -----------------------------------------------------------

ArticleCounts = Callable[[list[int]], dict[int, dict[str, int]]]  # ids -> {id: {"cited": n, ...}}
_article_counts: ArticleCounts | None = None


def register_article_counts(provider: ArticleCounts | None) -> None:
    global _article_counts
    _article_counts = provider


def article_counts_available() -> bool:
    return _article_counts is not None


def article_counts(article_ids: list[int]) -> dict[int, dict[str, int]]:
    if _article_counts is None or not article_ids:
        return {}
    try:
        return dict(_article_counts(list(article_ids)))
    except Exception:
        logger.exception("article counts failed")
        return {}


# --- Proposed changes opened in the editor --------------------------------------------------------


@dataclass(frozen=True)
class EditorProposal:
    body_md: str  # the article's whole body with the proposal applied
    note: str  # the revision note to suggest
    label: str  # what proposed it, shown above the editor (e.g. "knowledge gap 12: Frame number")


@dataclass(frozen=True)
class ProposalSource:
    # proposal(article=, key=) -> the proposal for this article, or None (unknown key, another article)
    proposal: Callable[..., EditorProposal | None]
    # saved(article=, key=, actor=) -> the article was saved from an editor opened with that proposal
    saved: Callable[..., None]


_proposal_sources: dict[str, ProposalSource] = {}


def register_proposal_source(prefix: str, source: ProposalSource | None) -> None:
    """Proposal keys look like "<prefix>-<id>" (e.g. "gap-12"); the source registered for the prefix
    answers for them."""
    if source is None:
        _proposal_sources.pop(prefix, None)
    else:
        _proposal_sources[prefix] = source


def _source(key: str) -> ProposalSource | None:
    return _proposal_sources.get((key or "").split("-", 1)[0]) if key else None


def editor_proposal(*, article, key: str) -> EditorProposal | None:
    source = _source(key)
    if source is None:
        return None
    try:
        return source.proposal(article=article, key=key)
    except Exception:
        logger.exception("editor proposal %s failed", key)
        return None


def editor_proposal_saved(*, article, key: str, actor=None) -> None:
    source = _source(key)
    if source is None:
        return
    try:
        source.saved(article=article, key=key, actor=actor)
    except Exception:
        logger.exception("editor proposal %s: saved hook failed", key)
