"""Reads for the visitor side: widgets, origins, visitors by token, the visitor's conversation."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils import timezone

from chat.i18n import widget_labels
from chat.models import AgentChatCapacity, ChatSession, ChatWidget, Visitor
from core.business_time import BusinessCalendar
from helpdesk.models import SLAPolicy
from helpdesk.services.sla import calendar_for

ONLINE_WINDOW = dt.timedelta(seconds=90)
DEMO_WIDGET_NAME = "Demo website"  # the queue page refreshes every 30 s


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def widget_by_key(key: str) -> ChatWidget | None:
    return ChatWidget.objects.filter(key=key, is_active=True).first()


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
    reads on every hello and new conversation. Reading the ticket and every column costs the event
    loop's thread pool more than the query itself; anything else loads on access."""
    return latest_sessions(visitor).only("id", "ticket_id", "status", "agent_id").first()


def visitor_owns_ticket(*, visitor: Visitor, ticket_id: int) -> bool:
    return ChatSession.objects.filter(visitor=visitor, ticket_id=ticket_id).exists()


def agents_online(*, widget: ChatWidget) -> bool:
    """Someone who can take the widget's chats has the chat queue open (or had, moments ago)."""
    seen = AgentChatCapacity.objects.filter(last_seen_at__gte=timezone.now() - ONLINE_WINDOW)
    if widget.team_id:
        seen = seen.filter(agent__teams=widget.team_id)
    return seen.exists()


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


@dataclass(frozen=True)
class Availability:
    online: bool
    reason: str = ""  # "hours" (outside business hours) or "agents" (nobody online); "" when online


def widget_availability(*, widget: ChatWidget, now: dt.datetime | None = None) -> Availability:
    """Offline outside the business hours (when the widget follows them) or with no agent online."""
    now = now or timezone.now()
    if widget.use_business_hours:
        calendar = business_calendar_for(widget)
        if calendar is not None and not calendar.is_open(now):
            return Availability(False, "hours")
    if not agents_online(widget=widget):
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
