"""Reads for the visitor side: widgets, origins, visitors by token, the visitor's conversation."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Max
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils import timezone

from chat.i18n import widget_labels
from chat.models import AgentChatCapacity, ChatSession, ChatWidget, Visitor
from chat.selectors.recent import RecentReads
from core.business_time import BusinessCalendar
from helpdesk.models import Holiday, SLAPolicy, TeamMembership, Ticket
from helpdesk.services.sla import calendar_for

ONLINE_WINDOW = dt.timedelta(seconds=90)
DEMO_WIDGET_NAME = "Demo website"  # the queue page refreshes every 30 s


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def widget_by_key(key: str) -> ChatWidget | None:
    return ChatWidget.objects.filter(key=key, is_active=True).first()


class _RecentWidgets:
    """Active widgets by key as last read, for the visitor sockets' connect: a thousand visitors
    arriving would otherwise read the same row a thousand times (a thread-pool hop and a query each).
    A widget saved or deleted in this process is forgotten at once (signals below); a change made
    by another process (the admin on another daphne) is seen within FRESH_S. The instances are
    shared between sockets: read them, never change them."""

    FRESH_S = 5.0

    def __init__(self) -> None:
        self.entries: dict[str, tuple[float, ChatWidget | None]] = {}
        self.changes = 0

    def lookup(self, key: str) -> tuple[bool, ChatWidget | None]:
        read_at, widget = self.entries.get(key, (float("-inf"), None))
        return time.monotonic() - read_at < self.FRESH_S, widget

    def remember(self, key: str, widget: ChatWidget | None, *, read_at: float, changes: int) -> None:
        if changes == self.changes:  # no widget was saved while the row was being read
            if len(self.entries) > 1000:  # unknown keys are remembered too: bound the memory
                self.entries.clear()
            self.entries[key] = (read_at, widget)

    def forget(self, **_kwargs) -> None:
        self.changes += 1
        self.entries.clear()


recent_widgets = _RecentWidgets()
post_save.connect(recent_widgets.forget, sender=ChatWidget, dispatch_uid="chat-recent-widgets")
post_delete.connect(recent_widgets.forget, sender=ChatWidget, dispatch_uid="chat-recent-widgets")


def widget_by_key_recent(key: str) -> ChatWidget | None:
    """``widget_by_key`` through ``recent_widgets`` (see there), for code that must not wait on a read."""
    known, widget = recent_widgets.lookup(key)
    if known:
        return widget
    read_at, changes = time.monotonic(), recent_widgets.changes
    widget = widget_by_key(key)
    recent_widgets.remember(key, widget, read_at=read_at, changes=changes)
    return widget


def help_center_widget() -> ChatWidget | None:
    """The active widget an admin chose to offer on the help center and portal (the oldest if several)."""
    return ChatWidget.objects.filter(is_active=True, on_help_center=True).order_by("pk").first()


def origin_allowed(*, widget: ChatWidget, origin: str, host: str = "") -> bool:
    """Exact origin match (scheme, host and port); a widget without origins accepts none. A widget
    offered on the help center also accepts our own pages: an Origin naming the host it was sent to."""
    origin = origin.strip().rstrip("/").lower()
    if not origin:
        return False
    if origin in widget.origins:
        return True
    return bool(widget.on_help_center and host) and urlsplit(origin).netloc == host.strip().lower()


def visitor_by_token(*, widget: ChatWidget, token: str) -> Visitor | None:
    if not token or len(token) > 200:
        return None
    return (
        Visitor.objects.select_related("customer")
        .filter(widget=widget, token_hash=token_digest(token))
        .first()
    )


def identity_valid(*, widget: ChatWidget, email: str, signature: str) -> bool:
    """The host website signs a logged-in customer's email: hex HMAC-SHA256(identity_secret, email)."""
    if not email or not signature:
        return False
    expected = hmac.new(widget.identity_secret.encode(), email.strip().lower().encode(), hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), signature.strip().lower())


def latest_sessions(visitor: Visitor):
    """The visitor's conversations, latest first (open or closed)."""
    return ChatSession.objects.filter(visitor=visitor).order_by("-created_at")


def session_current(*, visitor: Visitor) -> ChatSession | None:
    """The visitor's latest conversation (open or closed): its history is shown on reopen."""
    return (
        latest_sessions(visitor)
        .select_related("ticket")
        .defer("ticket__search_vector")  # the whole thread's words: never needed here
        .first()
    )


def session_state(*, visitor: Visitor) -> ChatSession | None:
    """The visitor's latest conversation, only where it stands (ticket, status, agent): what a socket
    reads on every hello and new conversation. Anything else loads on access.

    This and `session_hint` are read on every hello and every message: in plain SQL (the ORM spent
    ~0.6-1 ms of Python building each query, several times what running it costs), as the same
    deferred model instances `latest_sessions(visitor).only(...)` gives."""
    fields = ("id", "ticket_id", "status", "agent_id")
    row = _latest_session_row(visitor, [f"s.{field}" for field in fields])
    return None if row is None else _deferred(ChatSession, dict(zip(fields, row, strict=True)))


def session_hint(*, visitor: Visitor) -> ChatSession | None:
    """The visitor's latest conversation (id, status) with its ticket as the front door's thread hint
    (id, requester, merge), as `latest_sessions(visitor).select_related("ticket").only(...)` reads it."""
    row = _latest_session_row(
        visitor, ["s.id", "s.status", "s.ticket_id", "t.requester_id", "t.merged_into_id"]
    )
    if row is None:
        return None
    session_id, status, ticket_id, requester_id, merged_into_id = row
    session = _deferred(ChatSession, {"id": session_id, "status": status, "ticket_id": ticket_id})
    if ticket_id is not None:
        session.ticket = _deferred(
            Ticket, {"id": ticket_id, "requester_id": requester_id, "merged_into_id": merged_into_id}
        )
    return session


def _latest_session_row(visitor: Visitor, columns: list[str]) -> tuple | None:
    # column and table names from this module and the models; the value is bound
    sql = f'SELECT {", ".join(columns)} FROM "{ChatSession._meta.db_table}" s '  # noqa: S608
    sql += f'LEFT JOIN "{Ticket._meta.db_table}" t ON t.id = s.ticket_id '
    sql += "WHERE s.visitor_id = %s ORDER BY s.created_at DESC LIMIT 1"  # latest_sessions' order
    with connection.cursor() as cursor:
        cursor.execute(sql, [visitor.pk])
        return cursor.fetchone()


def _deferred(model, values: dict):
    """A model instance as the ORM loads it with .only(*values): the other fields load on access."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


def visitor_owns_ticket(*, visitor: Visitor, ticket_id: int) -> bool:
    return ChatSession.objects.filter(visitor=visitor, ticket_id=ticket_id).exists()


def agents_last_seen(*, team_id: int | None) -> dt.datetime | None:
    """When an agent who can take the team's chats (any agent: no team) last had the chat queue open:
    they count as online for ONLINE_WINDOW after that."""
    seen = AgentChatCapacity.objects.all()
    if team_id:
        seen = seen.filter(agent__teams=team_id)
    return seen.aggregate(latest=Max("last_seen_at"))["latest"]


def business_calendar_for(widget: ChatWidget) -> BusinessCalendar | None:
    """The business hours of the widget's team's active SLA policy, else the default policy's
    (the one with no team); None when there is none or it has no open hours (always open)."""
    active = SLAPolicy.objects.filter(is_active=True).prefetch_related("holidays").order_by("pk")
    policy = (active.filter(teams=widget.team_id).first() if widget.team_id else None) or active.filter(
        teams__isnull=True
    ).first()
    if policy is None:
        return None
    calendar = calendar_for(policy)
    return calendar if calendar.has_open_hours() else None


# What `widget_availability` reads on every hello (and every new conversation whose socket has no
# recent answer): the team's business calendar and when its agents were last seen, for all the
# widget's visitors at once. Forgotten on any change to the policies, holidays, teams' agents and
# chat presence made in this process (agent_presence_touch forgets too); another process's changes
# (an agent opening the queue on another daphne) are seen within AVAILABILITY_FRESH_S.
AVAILABILITY_FRESH_S = 2.0
recent_availability = RecentReads(AVAILABILITY_FRESH_S)
for _sender in (SLAPolicy, Holiday, SLAPolicy.teams.through, AgentChatCapacity, TeamMembership):
    post_save.connect(recent_availability.forget, sender=_sender, dispatch_uid="chat-recent-availability")
    post_delete.connect(recent_availability.forget, sender=_sender, dispatch_uid="chat-recent-availability")
for _sender in (SLAPolicy.teams.through, TeamMembership):
    m2m_changed.connect(recent_availability.forget, sender=_sender, dispatch_uid="chat-recent-availability")
post_migrate.connect(recent_availability.forget, dispatch_uid="chat-recent-availability")  # a flush


@dataclass(frozen=True)
class Availability:
    online: bool
    reason: str = ""  # "hours" (outside business hours) or "agents" (nobody online); "" when online


def widget_availability(*, widget: ChatWidget, now: dt.datetime | None = None) -> Availability:
    """Offline outside the business hours (when the widget follows them) or with no agent online.
    Reads through `recent_availability` (see there)."""
    now = now or timezone.now()
    if widget.use_business_hours:
        calendar = recent_availability.get(
            ("calendar", widget.team_id), lambda: business_calendar_for(widget)
        )
        if calendar is not None and not calendar.is_open(now):
            return Availability(False, "hours")
    team_id = widget.team_id or None
    last_seen = recent_availability.get(("seen", team_id), lambda: agents_last_seen(team_id=team_id))
    if last_seen is None or last_seen < timezone.now() - ONLINE_WINDOW:
        return Availability(False, "agents")
    return Availability(True)


def widget_public_config(widget: ChatWidget, *, availability: Availability) -> dict:
    return {
        "colour": widget.colour, "greeting": widget.greeting, "offline_text": widget.offline_text,
        "position": widget.position, "language": widget.language, "ask_name": widget.ask_name,
        "email_rule": widget.email_rule, "max_chars": widget.max_message_chars, "online": availability.online,
        "offline_reason": availability.reason, "attachments": widget.allow_attachments,
        "labels": widget_labels(widget.language),
    }  # fmt: skip


def chat_ai_may_answer(*, ticket_id: int) -> bool:
    """For the AI's channel policy: a chat's AI answers only while the widget allows it and nobody
    asked for a person (any other ticket: True, chat has no say)."""
    session = ChatSession.objects.filter(ticket_id=ticket_id).select_related("widget").first()
    return session is None or (session.widget.ai_first_answer and session.status == ChatSession.Status.BOT)


def demo_widget() -> ChatWidget | None:
    return ChatWidget.objects.filter(name=DEMO_WIDGET_NAME, is_active=True).first()
