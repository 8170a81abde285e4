"""Inbox reads: views, filters, full-text search and keyset pagination over visible tickets.

The page costs the same number of queries whatever its size: one, for the page's tickets (their ids
picked in a LIMIT subquery; requester, assignee, team and SLA state joined; the last public message
and the tags as subqueries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from django.contrib.postgres.search import SearchQuery
from django.core import signing
from django.db.models import (
    BooleanField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from core.compiled_statements import compiled_once, fetch_values
from helpdesk.models import Agent, Tag, Team, Ticket, TicketPriority, TicketStatus
from helpdesk.selectors.access import agent_for, agent_team_ids, visible_tickets
from helpdesk.selectors.inbox_rows import attach_tags, load_page_rows

CURSOR_SALT = "helpdesk.inbox.cursor"
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
NUMBER_QUERY = re.compile(r"^\s*#\s*(\d{1,9})\s*$")
UNSOLVED = "unsolved"  # a status filter value: everything not solved or closed

INBOX_VIEWS: dict[str, Any] = {
    "mine": _("Mine"),
    "unassigned": _("Unassigned"),
    "teams": _("My teams"),
    "all": _("All"),
    "needs_triage": _("Needs triage"),  # the AI was unsure of the topic, or routing found no team
    "no_team": _("No team"),  # routing gave it to no team: it waits here for someone to pick it up
    "breach_soon": _("SLA breach soon"),  # open, clock running, next target within the policy's window
}


@dataclass(frozen=True)
class InboxQuery:
    view: str = "teams"
    status: str = ""
    priority: str = ""
    team: int | None = None
    assignee: str = ""  # "", "me", "none" or an agent id
    tag: str = ""
    q: str = ""
    cursor: str = ""
    page_size: int = DEFAULT_PAGE_SIZE

    def params(self, **overrides) -> dict[str, str]:
        """The query string that reproduces this query (without the cursor unless given)."""
        query = replace(self, **{"cursor": "", **overrides})
        pairs = {
            "view": query.view,
            "status": query.status,
            "priority": query.priority,
            "team": str(query.team or ""),
            "assignee": query.assignee,
            "tag": query.tag,
            "q": query.q,
            "cursor": query.cursor,
            "size": "" if query.page_size == DEFAULT_PAGE_SIZE else str(query.page_size),
        }
        return {key: value for key, value in pairs.items() if value}

    @property
    def is_filtered(self) -> bool:
        return bool(self.status or self.priority or self.team or self.assignee or self.tag or self.q)


@dataclass
class InboxPage:
    tickets: list[Ticket]
    query: InboxQuery
    next_cursor: str = ""
    previous_cursor: str = ""
    ticket_ids: list[int] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)


def inbox_query_from_params(params, *, default_view: str = "teams") -> InboxQuery:
    """Parse request.GET (or any mapping); unknown or malformed values fall back to defaults."""
    view = params.get("view", "") if params.get("view", "") in INBOX_VIEWS else default_view
    status = params.get("status", "")
    if status not in TicketStatus.values and status != UNSOLVED:
        status = ""
    priority = params.get("priority", "")
    if priority not in TicketPriority.values:
        priority = ""
    assignee = params.get("assignee", "")
    if assignee not in ("me", "none") and not assignee.isdigit():
        assignee = ""
    team = params.get("team", "")
    try:
        page_size = min(max(int(params.get("size") or DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
    except ValueError:
        page_size = DEFAULT_PAGE_SIZE
    return InboxQuery(
        view=view,
        status=status,
        priority=priority,
        team=int(team) if team.isdigit() else None,
        assignee=assignee,
        tag=params.get("tag", "").strip()[:50],
        q=params.get("q", "").strip()[:200],
        cursor=params.get("cursor", ""),
        page_size=page_size,
    )


def encode_cursor(*, ticket: Ticket, direction: str) -> str:
    return signing.dumps(
        [ticket.updated_at.isoformat(), ticket.pk, direction], salt=CURSOR_SALT, compress=True
    )


def decode_cursor(cursor: str) -> tuple[datetime, int, str] | None:
    """An opaque, signed cursor: (updated_at, id, 'n' for next / 'p' for previous), or None if invalid."""
    if not cursor:
        return None
    try:
        updated_raw, ticket_id, direction = signing.loads(cursor, salt=CURSOR_SALT)
        updated_at = parse_datetime(updated_raw)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if updated_at is None or direction not in ("n", "p") or not isinstance(ticket_id, int):
        return None
    return updated_at, ticket_id, direction


def inbox_queryset(*, user, query: InboxQuery, visible: QuerySet[Ticket] | None = None) -> QuerySet[Ticket]:
    """Visible tickets narrowed by the view, filters and search; not yet ordered or paginated.
    `visible`: visible_tickets(user=user) when the caller already built it (the view counts ask for
    every view in one request)."""
    agent = agent_for(user)
    tickets = visible_tickets(user=user) if visible is None else visible
    if agent is None:
        return tickets
    if query.view == "mine":
        tickets = tickets.filter(assignee=agent)
    elif query.view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    elif query.view == "teams":
        tickets = tickets.filter(team_id__in=agent_team_ids(agent))
    elif query.view == "needs_triage":
        unrouted = Q(team__isnull=True) & ~Q(status__in=[TicketStatus.SOLVED, TicketStatus.CLOSED])
        tickets = tickets.filter(Q(triage__needs_triage=True) | unrouted)
    elif query.view == "no_team":
        tickets = tickets.filter(team__isnull=True)
    elif query.view == "breach_soon":
        tickets = tickets.filter(breaching_soon_q())

    if query.assignee == "me":
        tickets = tickets.filter(assignee=agent)
    return tickets_filtered(
        tickets,
        status=query.status,
        priority=query.priority,
        team=query.team,
        assignee=query.assignee if query.assignee != "me" else None,
        tag=query.tag,
        q=query.q,
    )


def tickets_filtered(
    tickets: QuerySet[Ticket],
    *,
    status: str = "",
    priority: str = "",
    team: int | None = None,
    assignee: int | str | None = None,
    requester: int | None = None,
    tag: str = "",
    q: str = "",
) -> QuerySet[Ticket]:
    """The ticket filters the inbox and the API share, applied to tickets the caller may see.
    status: a TicketStatus or "unsolved"; assignee: an agent id or "none"; q: "#123" finds ticket
    number 123, anything else is a full-text search over subject and messages."""
    if status == UNSOLVED:
        tickets = tickets.exclude(status__in=[TicketStatus.SOLVED, TicketStatus.CLOSED])
    elif status:
        tickets = tickets.filter(status=status)
    if priority:
        tickets = tickets.filter(priority=priority)
    if team:
        tickets = tickets.filter(team_id=team)
    if assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee:
        tickets = tickets.filter(assignee_id=int(assignee))
    if requester:
        tickets = tickets.filter(requester_id=requester)
    if tag:
        tickets = tickets.filter(tags__name=tag)
    if q:
        number = NUMBER_QUERY.match(q)
        if number:
            tickets = tickets.filter(number=int(number.group(1)))
        else:
            tickets = tickets.filter(search_vector=SearchQuery(q, config="simple", search_type="websearch"))
    return tickets


def api_ticket_list(tickets: QuerySet[Ticket], **filters) -> QuerySet[Ticket]:
    """The API's ticket list: `tickets_filtered` with what its serializer reads joined or prefetched,
    so a page costs the same few queries whatever its size."""
    return tickets_filtered(api_ticket_rows(tickets), **filters)


def api_ticket_rows(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Tickets as the API serializes them (requester, assignee, team, tags in fixed queries)."""
    return tickets.select_related("requester", "assignee__user", "team").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name"))
    )


def _keyset(operator: str, updated_at: datetime, ticket_id: int) -> Func:
    """ROW(updated_at, id) < ROW(%s, %s) (or >): a row comparison lets PostgreSQL walk the
    (updated_at, id) index straight to the page. Built from column references, not raw SQL, so it
    names the ticket table by whatever alias the query gives it (the page's ids are a subquery)."""
    if operator not in ("<", ">"):
        raise ValueError(f"keyset operator must be < or >, not {operator!r}")
    columns = Func(F("updated_at"), F("id"), function="ROW")
    values = Func(Value(updated_at), Value(ticket_id), function="ROW")
    return Func(columns, values, template="%(expressions)s", arg_joiner=f" {operator} ",
                output_field=BooleanField())  # fmt: skip


def breaching_soon_q() -> Q:
    """Open tickets whose running SLA clock reaches its next target within the policy's warning window
    (or has passed it): no first response yet and that target near, or the resolution target near."""
    window = ExpressionWrapper(
        F("sla__policy__breach_soon_minutes") * Value(timedelta(minutes=1)), output_field=DurationField()
    )
    horizon = ExpressionWrapper(Value(timezone.now()) + window, output_field=DateTimeField())
    running = Q(sla__paused_at__isnull=True) & ~Q(status__in=[TicketStatus.SOLVED, TicketStatus.CLOSED])
    first_response = Q(first_response_at__isnull=True, sla__first_response_due_at__lte=horizon)
    return running & (first_response | Q(sla__resolution_due_at__lte=horizon))


def inbox_page(*, user, query: InboxQuery) -> InboxPage:
    """One page of the inbox, newest activity first, with opaque next/previous cursors."""
    tickets = inbox_queryset(user=user, query=query)
    position = decode_cursor(query.cursor)
    backwards = position is not None and position[2] == "p"
    if position is not None:
        tickets = tickets.filter(_keyset(">" if backwards else "<", position[0], position[1]))
    order = ("updated_at", "id") if backwards else ("-updated_at", "-id")
    # One query in two steps: the page's ids are picked on the ticket table alone (a LIMIT subquery:
    # index order, no joins to plan), then just those rows are loaded with their joins, last public
    # message and tags. Much cheaper on 100k tickets than one joined, ordered query.
    page_ids = tickets.order_by(*order).values("id")[: query.page_size + 1]
    rows = sorted(
        load_page_rows(page_ids, tickets.db),
        key=lambda ticket: (ticket.updated_at, ticket.pk),
        reverse=not backwards,
    )
    more = len(rows) > query.page_size
    rows = rows[: query.page_size]
    if backwards:
        rows.reverse()
    attach_tags(rows)

    page = InboxPage(tickets=rows, query=query, ticket_ids=[t.pk for t in rows])
    if rows and backwards:
        # We came back from a later page, so there is always a next one.
        page.next_cursor = encode_cursor(ticket=rows[-1], direction="n")
        page.previous_cursor = encode_cursor(ticket=rows[0], direction="p") if more else ""
    elif rows:
        page.next_cursor = encode_cursor(ticket=rows[-1], direction="n") if more else ""
        page.previous_cursor = encode_cursor(ticket=rows[0], direction="p") if position else ""
    return page


def _agent_rows(agents: QuerySet[Agent]) -> QuerySet[Agent]:
    return agents.order_by("display_name", "user__username").values_list(
        "pk", "display_name", "user__first_name", "user__last_name", "user__username"
    )


class AgentChoice(NamedTuple):
    """An agent as the selects show it: (pk, name), `name` as Agent.name gives it."""

    pk: int
    name: str


def agent_choices(pks: list[int] | None = None) -> list[AgentChoice]:
    """Every agent (or those with these `pks`) as (pk, name), ordered like the selects list them: one
    query, no model instances."""
    if pks is None:  # every agent (the selects of the inbox and the ticket page): compiled once
        db = Agent.objects.db
        rows = fetch_values(
            compiled_once("inbox.agent_choices", lambda: _agent_rows(Agent.objects.all()), db), db=db
        )
    else:
        rows = _agent_rows(Agent.objects.filter(pk__in=pks))
    return [
        AgentChoice(pk, Agent.name_of(display, first, last, username))
        for pk, display, first, last, username in rows
    ]


def inbox_filter_choices() -> dict[str, list[tuple]]:
    """(value, label) pairs for the filter and bulk-action selects (teams, agents, up to 300 tags):
    three small queries, plain tuples, no model instances."""
    return {
        "team_choices": list(Team.objects.values_list("id", "name")),
        "agent_choices": agent_choices(),
        "tag_choices": [
            (tag, tag) for tag in Tag.objects.order_by("name").values_list("name", flat=True)[:300]
        ],
    }


def inbox_default_view(user) -> str:
    """An agent with no team starts on 'All' (everything they can see), everyone else on 'My teams'."""
    agent = agent_for(user)
    if agent is not None and not agent_team_ids(agent):  # the ids the 'My teams' view reads anyway
        return "all"
    return "teams"


@lru_cache(maxsize=32)
def choice_labels(language: str | None) -> dict:
    """Status, priority and inbox-view labels as plain strings in `language` (the active language:
    the key only tells the cache apart), translated once per process."""
    return {
        "status": {value: str(label) for value, label in TicketStatus.choices},
        "priority": {value: str(label) for value, label in TicketPriority.choices},
        "views": {key: str(label) for key, label in INBOX_VIEWS.items()},
        "unsolved": str(_("Unsolved")),
    }
