"""Reads for the AI panel on the ticket page: recent AI messages with their flags, one draft, one message."""

from __future__ import annotations

from django.http import Http404

from ai.models import AIDraft
from helpdesk.models import Message, Ticket

RECENT_AI_MESSAGES = 5


def ai_messages_recent(*, ticket: Ticket, limit: int = RECENT_AI_MESSAGES) -> list[Message]:
    """The AI's latest public messages on the ticket, newest first, with their flags."""
    return list(
        Message.objects.filter(ticket=ticket, author_kind=Message.AuthorKind.AI, is_internal=False)
        .prefetch_related("ai_flags")
        .order_by("-seq")[:limit]
    )


def ticket_draft_get(*, ticket: Ticket, draft_id: int) -> AIDraft:
    """A draft of this ticket; 404 for any other (no difference between missing and foreign)."""
    draft = AIDraft.objects.filter(pk=draft_id, ticket=ticket).first()
    if draft is None:
        raise Http404
    return draft


def ticket_message_get(*, ticket: Ticket, message_id: int) -> Message:
    message = Message.objects.filter(pk=message_id, ticket=ticket).first()
    if message is None:
        raise Http404
    return message
