"""Reads over recorded help-center searches (knowledge.services.searches): the searches that found
nothing, or found something no one opened, grouped by normalised query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from knowledge.models import HelpSearch
from knowledge.services.searches import WITHHELD

# A search with results counts as "no click" once its reader had this long to click one.
SESSION_IDLE = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class UnansweredSearch:
    query: str  # redacted, as a reader typed it (one example of the normalised form)
    normalized: str
    searches: int
    visitors: int
    no_results: int  # of `searches`, how many found nothing at all
    language: str

    @property
    def kind(self) -> str:
        return "search_no_results" if self.no_results == self.searches else "search_no_click"


def unanswered_searches(
    *, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None, limit: int = 500
) -> list[UnansweredSearch]:
    """Searches of the period with no result, or with results but no click within SESSION_IDLE,
    most frequent first (then most readers, then alphabetically, so the order is stable)."""
    settled = (now or timezone.now()) - SESSION_IDLE
    rows = (
        HelpSearch.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(query=WITHHELD)
        .filter(Q(results_count=0) | Q(clicked_at__isnull=True, updated_at__lt=settled))
        .values("normalized")
        .annotate(
            searches=Count("id"),
            visitors=Count("visitor_hash", distinct=True),
            no_results=Count("id", filter=Q(results_count=0)),
            query=Max("query"),
            language=Max("language"),
        )
        .order_by("-searches", "-visitors", "normalized")[:limit]
    )
    return [
        UnansweredSearch(
            query=row["query"], normalized=row["normalized"], searches=row["searches"],
            visitors=row["visitors"], no_results=row["no_results"], language=row["language"] or "",
        )
        for row in rows
    ]  # fmt: skip
