"""Reads for the visitor side: widgets, origins, visitors by token, the visitor's conversation."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.utils import timezone

from chat.models import AgentChatCapacity, ChatSession, ChatWidget, Visitor

ONLINE_WINDOW = dt.timedelta(seconds=90)  # the queue page refreshes every 30 s


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def widget_by_key(key: str) -> ChatWidget | None:
    return ChatWidget.objects.filter(key=key, is_active=True).first()


def origin_allowed(*, widget: ChatWidget, origin: str) -> bool:
    """Exact origin match (scheme, host and port); a widget without origins accepts none."""
    return bool(origin) and origin.strip().rstrip("/").lower() in widget.origins


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


def session_current(*, visitor: Visitor) -> ChatSession | None:
    """The visitor's latest conversation (open or closed): its history is shown on reopen."""
    return (
        ChatSession.objects.select_related("ticket").filter(visitor=visitor).order_by("-created_at").first()
    )


def visitor_owns_ticket(*, visitor: Visitor, ticket_id: int) -> bool:
    return ChatSession.objects.filter(visitor=visitor, ticket_id=ticket_id).exists()


def agents_online(*, widget: ChatWidget) -> bool:
    """Someone who can take the widget's chats has the chat queue open (or had, moments ago)."""
    seen = AgentChatCapacity.objects.filter(last_seen_at__gte=timezone.now() - ONLINE_WINDOW)
    if widget.team_id:
        seen = seen.filter(agent__teams=widget.team_id)
    return seen.exists()


def widget_public_config(widget: ChatWidget, *, online: bool) -> dict:
    return {
        "colour": widget.colour, "greeting": widget.greeting, "offline_text": widget.offline_text,
        "position": widget.position, "language": widget.language, "ask_name": widget.ask_name,
        "email_rule": widget.email_rule, "max_chars": widget.max_message_chars, "online": online,
    }  # fmt: skip


def chat_ai_may_answer(*, ticket_id: int) -> bool:
    """For the AI's channel policy: a chat's AI answers only while the widget allows it and nobody
    asked for a person (any other ticket: True, chat has no say)."""
    session = ChatSession.objects.filter(ticket_id=ticket_id).select_related("widget").first()
    return session is None or (session.widget.ai_first_answer and session.status == ChatSession.Status.BOT)
