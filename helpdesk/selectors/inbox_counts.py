"""How many unsolved tickets each inbox view holds, for the counts beside the views.

Each view is counted with the very queryset the inbox lists it with (selectors.inbox.inbox_queryset,
status "unsolved"), so a count can never disagree with its list. Counts stop at COUNT_CAP: a capped
count reads at most that many index entries, so the numbers cost the same at 1,000 tickets and at
1,000,000, and all views are counted in one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection

from helpdesk.selectors.access import visible_tickets
from helpdesk.selectors.inbox import INBOX_VIEWS, UNSOLVED, InboxQuery, inbox_queryset

COUNT_CAP = 1000


@dataclass(frozen=True)
class ViewCount:
    count: int
    capped: bool  # True: at least `count` (shown as "1000+")

    def __str__(self) -> str:
        return f"{self.count}+" if self.capped else str(self.count)


def inbox_view_counts(*, user, cap: int = COUNT_CAP) -> dict[str, ViewCount]:
    """Unsolved tickets per inbox view the user may see, each counted up to `cap`, in one query."""
    parts, params = [], []
    visible = visible_tickets(user=user)  # the same for every view: built once
    for index, view in enumerate(INBOX_VIEWS):
        tickets = inbox_queryset(user=user, query=InboxQuery(view=view, status=UNSOLVED), visible=visible)
        try:
            sql, view_params = tickets.order_by().values("pk")[:cap].query.sql_with_params()
        except EmptyResultSet:  # e.g. "My teams" for an agent in no team
            parts.append("0")
            continue
        # sql is the ORM compiler's output for a queryset; every value in it is a bound parameter
        parts.append(f"(SELECT count(*) FROM ({sql}) AS view_{index})")  # noqa: S608
        params.extend(view_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {view: ViewCount(count, capped=count >= cap) for view, count in zip(INBOX_VIEWS, row, strict=True)}
