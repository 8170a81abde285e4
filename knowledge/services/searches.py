"""Recording help-center searches and the result a reader clicked, for the knowledge-gap analysis.

What is kept: the query redacted of personal data (gateway.pii; a query that cannot be redacted is
kept as "[withheld]" so its count still shows), the number of results, the language and a keyed
hash of the browser session (HMAC with SECRET_KEY: the same reader's searches can be told apart from
another's, but the session key cannot be recovered; no IP address is stored). Instant search sends a
request at every pause while typing: a refinement of the reader's previous query ("return my bi" ->
"return my bike") within REFINE_WINDOW updates that row instead of adding one.

A result link carries the search's signed id (`search_token`); the article page hands it back to
`search_click`, which records the first click on that search. Rows are pruned after
HELP_SEARCH_RETENTION_DAYS (a daily task).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from gateway.pii import RedactionError, redact
from knowledge.models import Article, HelpSearch

SALT = "helmdesk.knowledge.search-click"
MIN_QUERY_CHARS = 3
REFINE_WINDOW = dt.timedelta(minutes=2)
WITHHELD = "[withheld]"
SPACES = re.compile(r"\s+")


def visitor_hash(session_key: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"help-search:{session_key}".encode(), hashlib.sha256).hexdigest()


def normalize(query: str) -> str:
    return SPACES.sub(" ", query).strip().lower()[:200]


def _redacted(query: str) -> str:
    try:
        return redact(query)[:200]
    except RedactionError:
        return WITHHELD


def _refines(old: str, new: str) -> bool:
    return bool(old) and (new.startswith(old) or old.startswith(new))


def search_record(*, query: str, results_count: int, language: str, session_key: str) -> HelpSearch | None:
    """Record (or refine) one search of a reader; None for queries too short to mean anything."""
    query = SPACES.sub(" ", query or "").strip()[:200]
    if len(query) < MIN_QUERY_CHARS or not session_key:
        return None
    redacted = _redacted(query)
    normalized = normalize(redacted)
    who = visitor_hash(session_key)
    now = timezone.now()
    with transaction.atomic():
        previous = (
            HelpSearch.objects.select_for_update()
            .filter(visitor_hash=who, updated_at__gte=now - REFINE_WINDOW, clicked_at__isnull=True)
            .order_by("-updated_at", "-id")
            .first()
        )
        if previous is not None and _refines(previous.normalized, normalized):
            previous.query, previous.normalized = redacted, normalized
            previous.results_count, previous.language = min(results_count, 32767), language[:10]
            previous.save(update_fields=["query", "normalized", "results_count", "language", "updated_at"])
            return previous
        return HelpSearch.objects.create(
            query=redacted, normalized=normalized, language=language[:10],
            results_count=min(results_count, 32767), visitor_hash=who,
        )  # fmt: skip


def search_token(search: HelpSearch | None) -> str:
    """The signed id a result link carries back to the article page ("" when nothing was recorded)."""
    return signing.Signer(salt=SALT).sign(str(search.pk)) if search is not None else ""


def search_click(*, token: str, article: Article, session_key: str) -> bool:
    """Record that the reader opened `article` from their search. Only the reader who searched (same
    session) counts, only once per search, and only for a genuine token."""
    if not token or not session_key:
        return False
    try:
        search_id = int(signing.Signer(salt=SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return False
    updated = HelpSearch.objects.filter(
        pk=search_id, visitor_hash=visitor_hash(session_key), clicked_at__isnull=True
    ).update(clicked_article=article, clicked_at=timezone.now())
    return updated == 1


def searches_prune(*, now: dt.datetime | None = None) -> int:
    """Delete searches older than the retention period; returns how many. Idempotent."""
    days = int(getattr(settings, "HELP_SEARCH_RETENTION_DAYS", 90))
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _by_model = HelpSearch.objects.filter(created_at__lt=cutoff).delete()
    return deleted
