"""The turns of a ticket's conversation whose PII analyses the answer pipeline reuses.

The answer pipeline redacts the customer's message and the public thread before it (ai.services.
answers.answer_request_for); gateway.llm.turn_cache keeps each message's analysis, keyed by the
message, so every message is analysed once however many later answers read it as history.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from gateway.llm.turn_cache import turn_analyses
from helpdesk.models import Message, Ticket

HISTORY_TURNS = 8  # as ai.services.answers.HISTORY_TURNS: the turns an answer reads


def message_scope(message_id: int) -> str:
    return f"helpdesk.message:{message_id}"


def conversation_turns(*, ticket: Ticket, message: Message) -> dict[str, str]:
    """Scope -> text of the message and the public messages the answer reads before it."""
    rows = (
        Message.objects.filter(ticket=ticket, seq__lt=message.seq, is_internal=False)
        .order_by("-seq")
        .values_list("pk", "body_text")[:HISTORY_TURNS]
    )
    turns = {message_scope(pk): text for pk, text in rows}
    turns[message_scope(message.pk)] = message.body_text
    return turns


def conversation_analyses(*, ticket: Ticket, message: Message) -> AbstractContextManager[None]:
    """Around an answer: stored analyses of these turns in, the new ones (this message's) out."""
    return turn_analyses(conversation_turns(ticket=ticket, message=message))
