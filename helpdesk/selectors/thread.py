"""Reads for the desk ticket page: the thread, the audit history and the sidebar choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from core.compiled_statements import SENTINEL, compiled_once, fetch_models, fetch_values
from helpdesk.models import Agent, Attachment, Customer, Message, Tag, Team, Ticket, TicketEvent, TicketStatus
from helpdesk.selectors.history import actor_text, event_text
from helpdesk.selectors.inbox import agent_choices
from helpdesk.services.tickets import ALLOWED_TRANSITIONS

HISTORY_LIMIT = 200


def ticket_thread(*, ticket: Ticket) -> QuerySet[Message]:
    """Every message of the ticket, internal notes included (this is the agents' view)."""
    return (
        Message.objects.filter(ticket=ticket)
        .select_related("author_agent__user", "author_customer")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .defer("raw")
        .order_by("seq")
    )


THREAD_COLUMNS = (
    "pk", "ticket_id", "seq", "author_kind", "author_agent_id", "author_customer_id", "body_html",
    "is_internal", "citations", "ai_mode", "delivery_channel", "delivery_status", "delivery_attempts",
    "delivery_error", "created_at",
)  # fmt: skip
AUTHOR_COLUMNS = (
    "author_agent__display_name", "author_agent__user__first_name", "author_agent__user__last_name",
    "author_agent__user__username", "author_customer__name", "author_customer__email",
)  # fmt: skip


@dataclass(slots=True)
class ThreadMessage:
    """A message as the ticket page shows it: Message's columns that the thread renders, and
    `author_name` as Message.author_name gives it. Plain rows: building a Message with its agent,
    user and customer models cost ~0.1 ms per message on a long thread."""

    pk: int
    ticket_id: int
    seq: int
    author_kind: str
    author_agent_id: int | None
    author_customer_id: int | None
    body_html: str
    is_internal: bool
    citations: list
    ai_mode: str
    delivery_channel: str
    delivery_status: str
    delivery_attempts: int
    delivery_error: str
    created_at: datetime
    author_name: str = ""
    _prefetched_objects_cache: dict = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.pk


def thread_rows(ticket_id: int) -> QuerySet[Message]:
    """The thread's rows as `ticket_thread_page` reads them."""
    return (
        Message.objects.filter(ticket=ticket_id).order_by("seq").values_list(*THREAD_COLUMNS, *AUTHOR_COLUMNS)
    )


def thread_attachments(ticket_id: int) -> QuerySet[Attachment]:
    return Attachment.objects.filter(ticket=ticket_id, message__isnull=False).order_by("id")


def ticket_thread_page(*, ticket: Ticket) -> list[ThreadMessage]:
    """The ticket page's thread in two queries (messages with their authors' names, then the
    attachments), as ThreadMessage rows, each with its attachments in place. Both statements are
    compiled once per process (core.compiled_statements.compiled_once): on a long thread compiling
    them cost a fifth of the selector's time."""
    width = len(THREAD_COLUMNS)
    kinds = dict(Message.AuthorKind.choices)
    messages = []
    db = Message.objects.db
    rows = fetch_values(compiled_once("thread.messages", lambda: thread_rows(SENTINEL), db), ticket.pk, db)
    for row in rows:
        message = ThreadMessage(*row[:width])
        agent_name, first, last, username, customer_name, customer_email = row[width:]
        kind = message.author_kind
        if kind == Message.AuthorKind.AGENT and message.author_agent_id:
            message.author_name = Agent.name_of(agent_name, first, last, username)
        elif kind == Message.AuthorKind.CUSTOMER and message.author_customer_id:
            message.author_name = Customer.display_name_of(customer_name, customer_email)
        else:
            message.author_name = str(kinds.get(kind, kind))
        messages.append(message)
    files: dict[int, list[Attachment]] = {}
    attachments = compiled_once("thread.attachments", lambda: thread_attachments(SENTINEL), db)
    for attachment in fetch_models(attachments, ticket.pk, db):
        files.setdefault(attachment.message_id, []).append(attachment)
    for message in messages:
        message._prefetched_objects_cache = {"attachments": files.get(message.pk, [])}
    return messages


def history_rows(ticket_id: int) -> QuerySet[TicketEvent]:
    return (
        TicketEvent.objects.filter(ticket=ticket_id).select_related("actor").order_by("-id")[:HISTORY_LIMIT]
    )


def ticket_tag_names(*, ticket: Ticket) -> list[str]:
    """`ticket.tags.values_list("name", flat=True)` (the sidebar's tags field), compiled once."""
    db = Ticket.objects.db
    compiled = compiled_once(
        "thread.tag_names", lambda: Tag.objects.filter(tickets=SENTINEL).values_list("name"), db
    )
    return [name for (name,) in fetch_values(compiled, ticket.pk, db)]


def ticket_history(*, ticket: Ticket) -> list[TicketEvent]:
    """Newest first; each row carries `text` and `actor_name`, the plain-language sentence shown."""
    db = TicketEvent.objects.db
    events = fetch_models(compiled_once("thread.history", lambda: history_rows(SENTINEL), db), ticket.pk, db)
    for event in events:
        event.text = event_text(event)
        event.actor_name = actor_text(event)
    return events


def ticket_status_choices(*, ticket: Ticket) -> list[tuple[str, str, bool]]:
    """(value, label, allowed) for every status; the current one counts as allowed."""
    allowed = ALLOWED_TRANSITIONS.get(ticket.status, frozenset()) | {ticket.status}
    return [(value, label, value in allowed) for value, label in TicketStatus.choices]


def sidebar_choices() -> dict[str, list]:
    """The sidebar's assignee and team options: agents as (pk, name) tuples, teams with id and name."""
    db = Team.objects.db
    return {
        "agents": agent_choices(),
        "teams": fetch_models(
            compiled_once("thread.teams", lambda: Team.objects.only("id", "name"), db), db=db
        ),
    }


def attachment_for_download(*, attachment_id: int) -> Attachment | None:
    return (
        Attachment.objects.filter(pk=attachment_id)
        .only("id", "ticket_id", "file", "filename", "content_type")
        .first()
    )
