"""Live token streaming of an AI answer to the chat's open sockets.

The AI (which sits above chat) opens an `AnswerStream` for the customer message it answers and feeds
it the model's text as it is generated. Pieces go to the conversation's sockets through the channel
layer as `chat.delta` events (they are not stored: the checked answer is, and it replaces them). Text
is released up to the last whitespace only, so a placeholder such as `<PERSON_1>` is always whole
when `transform` (the AI's restoration of what the customer gave) sees it, and a trailing fragment
waits for the final message. `end()` says whether the answer is shown; when not (a handoff, a failed
check), the widget withdraws what it showed.

Failures to publish never reach the answer: streaming is a courtesy, the stored reply is the truth.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from chat.groups import conversation_group
from chat.models import ChatSession

logger = logging.getLogger(__name__)
MIN_PIECE_CHARS = 1


class AnswerStream:
    def __init__(self, *, ticket_id: int, after_seq: int, transform: Callable[[str], str] | None = None):
        self.ticket_id = ticket_id
        self.after_seq = after_seq
        self.transform = transform or (lambda text: text)
        self.buffer = ""
        self.sent = ""  # what the sockets have been given (transformed)
        self.broken = False

    def feed(self, delta: str) -> None:
        self.buffer += delta
        cut = max(self.buffer.rfind(" "), self.buffer.rfind("\n"))
        if cut < 0:
            return
        ready, self.buffer = self.buffer[: cut + 1], self.buffer[cut + 1 :]
        piece = self.transform(ready)
        if len(piece) >= MIN_PIECE_CHARS:
            self.sent += piece
            self._publish({"type": "chat.delta", "after": self.after_seq, "delta": piece})

    def end(self, *, shown: bool) -> None:
        self._publish({"type": "chat.stream_end", "after": self.after_seq, "shown": bool(shown)})

    def _publish(self, event: dict) -> None:
        if self.broken:
            return
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(conversation_group(self.ticket_id), event)
        except Exception:  # the channel layer is down: the stored answer still arrives on resync
            logger.warning("chat stream for ticket %s stopped", self.ticket_id, exc_info=True)
            self.broken = True


def answer_stream_open(
    *, ticket_id: int, after_seq: int, transform: Callable[[str], str] | None = None
) -> AnswerStream | None:
    """A stream for the AI's answer to message `after_seq` when the ticket is a live chat whose widget
    streams the model's words; None otherwise (email, portal, a widget with streaming off)."""
    wanted = (
        ChatSession.objects.filter(ticket_id=ticket_id, widget__stream_tokens=True)
        .exclude(status=ChatSession.Status.CLOSED)
        .exists()
    )
    return AnswerStream(ticket_id=ticket_id, after_seq=after_seq, transform=transform) if wanted else None
