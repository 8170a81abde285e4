"""What the visitor's and the agent's chat sockets share: joining a conversation and syncing it.

A socket remembers the last sequence number it sent (`last_seq`). On every nudge from the channel
layer, and when a client reconnects with its own last sequence, it reads the messages after it from
the database and sends them in order: nothing missed, nothing twice, whichever process wrote them.
"""

from __future__ import annotations

import asyncio
import functools
import json

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import connections

from chat.groups import conversation_group
from chat.selectors.messages import PAGE, messages_after

STREAM_CHUNK_WORDS = 3


@functools.cache
def db(func):
    """Run a selector or service on the thread pool. Each call is self-contained (its own
    transactions), so chat sockets need not queue behind one another on a single thread; the
    thread's connection goes back to the pool when the call ends. (One wrapper per function.)"""

    def call(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()

    return sync_to_async(call, thread_sensitive=False)


STREAM_PAUSE_S = 0.02


def stream_chunks(text: str) -> list[str]:
    words = text.split(" ")
    return [
        " ".join(words[i : i + STREAM_CHUNK_WORDS]) + (" " if i + STREAM_CHUNK_WORDS < len(words) else "")
        for i in range(0, len(words), STREAM_CHUNK_WORDS)
    ]


class ConversationSocket(AsyncJsonWebsocketConsumer):
    ticket_id: int | None = None
    last_seq: int = 0
    include_internal = False
    streams_answers = False

    async def dispatch(self, message):
        """Channels' dispatch, without its `aclose_old_connections()` before every handler: a hop to
        Django's one sync thread for each frame and each nudge (even our own relay). These sockets
        reach the database only through db(), whose calls hand their connections back themselves."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message):
        """Channels' websocket_disconnect, without the same hop (these sockets use no `groups`)."""
        await self.disconnect(message["code"])
        raise StopConsumer()

    @classmethod
    async def decode_json(cls, text_data):
        """A frame that is not JSON becomes None (answered with an error), never a crash."""
        try:
            return json.loads(text_data)
        except ValueError:
            return None

    async def conversation_join(self, ticket_id: int | None) -> None:
        if ticket_id == self.ticket_id:
            return
        if self.ticket_id is not None:
            await self.channel_layer.group_discard(conversation_group(self.ticket_id), self.channel_name)
            self.last_seq = 0
        self.ticket_id = ticket_id
        if ticket_id is not None:
            await self.channel_layer.group_add(conversation_group(ticket_id), self.channel_name)

    async def disconnect(self, code):
        if self.ticket_id is not None:
            await self.channel_layer.group_discard(conversation_group(self.ticket_id), self.channel_name)

    async def sync(self, *, live: bool = False, batch: list[dict] | None = None) -> None:
        """Send every message after `last_seq`. Live (not a resync), a fresh AI answer streams first.
        `batch`: the first page, when the caller read it already (in the same database call)."""
        while self.ticket_id is not None:
            if batch is None:
                batch = await db(messages_after)(
                    ticket_id=self.ticket_id, seq=self.last_seq, include_internal=self.include_internal
                )
            if not batch:
                return
            page, batch = batch, None
            for payload in page:
                if payload["seq"] <= self.last_seq:
                    continue
                if live and self.streams_answers and payload.get("streamable"):
                    await self.stream(payload)
                await self.send_json(payload)
                self.last_seq = payload["seq"]
            if len(page) < PAGE:  # the whole rest was read: anything newer comes with its own nudge
                return

    async def stream(self, payload: dict) -> None:
        for chunk in stream_chunks(payload["text"]):
            await self.send_json(
                {"type": "stream", "ticket": payload["ticket"], "seq": payload["seq"], "delta": chunk}
            )
            await asyncio.sleep(STREAM_PAUSE_S)

    async def chat_sync(self, event):
        if event.get("sender") != self.channel_name:  # our own relay: this socket is in sync already
            await self.sync(live=True)
        if event.get("session"):
            await self.send_status()

    async def send_status(self) -> None:
        """Subclasses tell their client where the conversation stands."""

    async def chat_delta(self, event):
        """A piece of the AI's answer as the model writes it (not stored; the checked answer follows)."""
        if self.streams_answers:
            await self.send_json(
                {"type": "stream", "ticket": self.ticket_id, "after": event["after"], "delta": event["delta"]}
            )

    async def chat_stream_end(self, event):
        if self.streams_answers:
            await self.send_json(
                {
                    "type": "stream_end",
                    "ticket": self.ticket_id,
                    "after": event["after"],
                    "shown": event["shown"],
                }
            )

    async def chat_typing(self, event):
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "typing", "who": event["who"], "name": event.get("name", "")})

    async def chat_read(self, event):
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "read", "who": event["who"], "seq": event["seq"]})

    async def relay(self, kind: str, **values) -> None:
        if self.ticket_id is not None:
            await self.channel_layer.group_send(
                conversation_group(self.ticket_id), {"type": kind, "sender": self.channel_name, **values}
            )
