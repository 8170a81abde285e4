"""Channel-layer group names for chat, and the one nudge every change sends.

Consumers never receive message bodies through the channel layer: a nudge says "conversation X
changed", and each connected socket reads what it has not sent yet from the database, in sequence
order. That is what makes delivery exactly-once per socket and resync after a reconnect the same
code path, with any number of daphne processes sharing a Redis channel layer.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

QUEUE_GROUP = "chat.queue"


def conversation_group(ticket_id: int) -> str:
    return f"chat.ticket.{ticket_id}"


def nudge(ticket_id: int, **extra) -> None:
    """Tell every socket of the conversation to sync (raises when the channel layer is down)."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(conversation_group(ticket_id), {"type": "chat.sync", **extra})


def queue_changed() -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(QUEUE_GROUP, {"type": "chat.queue"})
