"""Interfaces the ticketing app offers to the apps above it, so it never imports them.

Dependencies point one way (ai -> knowledge -> helpdesk -> core): when the portal wants something
only an upper app knows (help-center articles that may answer the customer's question), helpdesk
defines the shape here and the upper app registers an implementation in its AppConfig.ready().
With nothing registered the feature is simply off (no suggestions), never an error.

Named events (ticket created, message posted, ...) go through `core.hooks`; this module is for
calls that return something.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PortalSuggestion:
    """An article offered while a customer writes a new ticket."""

    article_id: int
    article_title: str
    snippet: str  # safe HTML: escaped text, matched words in <mark>


@dataclass(frozen=True)
class PortalSuggester:
    # suggest(query, limit=...) -> suggestions a customer may see, best first
    suggest: Callable[..., list[PortalSuggestion]]
    # article_url(article_id) -> the public URL of that article, or None if a customer may not see it
    article_url: Callable[[int], str | None]


_portal_suggester: PortalSuggester | None = None


def register_portal_suggester(suggester: PortalSuggester | None) -> None:
    """Set (or, with None, remove) the one source of portal suggestions."""
    global _portal_suggester
    _portal_suggester = suggester


def portal_suggestions(query: str, *, limit: int = 3) -> list[PortalSuggestion]:
    """Suggestions for what a customer typed so far; [] when no app offers any or the source fails
    (a suggestion box must never break the form)."""
    if _portal_suggester is None:
        return []
    try:
        return list(_portal_suggester.suggest(query, limit=limit))[:limit]
    except Exception:
        logger.exception("portal suggestions failed")
        return []


def portal_suggestion_url(article_id: int) -> str | None:
    """Where a suggested article is read; None when there is no such public article (or no source)."""
    if _portal_suggester is None:
        return None
    return _portal_suggester.article_url(article_id)
