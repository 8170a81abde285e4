"""The conversation as a socket sees it: public messages after a sequence number, as JSON-safe dicts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.models import Attachment, Message

PAGE = 200
STREAM_FRESH = dt.timedelta(seconds=60)  # an AI answer younger than this streams when pushed live


def absolute_url(url: str) -> str:
    """Cited articles link to the help center; the widget lives on another website."""
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def message_payload(message: Message) -> dict:
    kind = message.author_kind
    if kind == Message.AuthorKind.AGENT and message.author_agent:
        name = message.author_agent.name
    elif kind == Message.AuthorKind.AI:
        name = _("Assistant")
    elif kind == Message.AuthorKind.CUSTOMER:
        name = message.author_customer.display_name if message.author_customer else _("You")
    else:
        name = ""
    return {
        "type": "message", "ticket": message.ticket_id, "seq": message.seq, "author": kind, "name": name,
        "text": message.body_text, "client_id": message.client_id, "created_at": message.created_at.isoformat(),
        "citations": [
            {"title": c.get("title", ""), "url": absolute_url(c["url"])} for c in message.citations or [] if c.get("url")
        ],
        "attachments": [{"name": a.filename, "size": a.size} for a in _attachments(message)],
        # The quoted (extractive) answer is streamed by the socket; a model's answer was streamed
        # token by token while it was written (chat.services.streaming).
        "streamable": kind == Message.AuthorKind.AI and message.ai_mode == "extractive"
        and timezone.now() - message.created_at < STREAM_FRESH,
    }  # fmt: skip


def _attachments(message: Message):
    """A message read by `messages_after` knows whether it has files (no second query when not)."""
    if getattr(message, "has_files", True) is False:
        return []
    return message.attachments.all()


def messages_after(*, ticket_id: int, seq: int, include_internal: bool = False) -> list[dict]:
    """Messages of the conversation with a sequence number above `seq`, oldest first (at most PAGE;
    the socket asks again until it has them all)."""
    rows = Message.objects.filter(ticket_id=ticket_id, seq__gt=seq).select_related(
        "author_agent__user", "author_customer"
    )
    if not include_internal:
        rows = rows.filter(is_internal=False)
    payloads = []
    rows = rows.annotate(has_files=Exists(Attachment.objects.filter(message_id=OuterRef("pk"))))
    for message in rows.order_by("seq")[:PAGE]:
        payload = message_payload(message)
        if message.is_internal:
            payload["internal"] = True
        payloads.append(payload)
    return payloads
