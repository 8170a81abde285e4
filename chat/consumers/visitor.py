"""The visitor's socket: ws/chat/<widget key>/. Thin: checks, then the chat services.

Checks: the widget exists and the page's Origin is one of its allowed origins; connections per IP;
the first frame must be "hello" with the visitor's token (a new visitor gets one); a visitor only
ever reaches their own conversation; messages are limited in size and rate (per visitor and per IP).
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer
from django.utils import translation
from django.utils.translation import gettext as _

from chat import limits
from chat.consumers.base import ConversationSocket, db
from chat.i18n import supported_language
from chat.selectors.messages import message_payload, messages_after
from chat.selectors.widgets import (
    origin_allowed,
    recent_widgets,
    session_state,
    visitor_owns_ticket,
    widget_availability,
    widget_by_key_recent,
    widget_public_config,
)
from chat.services.mail import chat_transcript_send
from chat.services.notices import visitor_notice_frames, visitor_notice_seen
from chat.services.sessions import chat_handoff_request, chat_message_receive, chat_rate
from chat.services.visitors import visitor_identify
from core.errors import ApplicationError

CLOSE_FORBIDDEN = 4403
CLOSE_RATE = 4429
MAX_FRAME_CHARS = 64_000
AVAILABILITY_FRESH_S = 60  # what hello learnt about business hours and agents online, reused this long


class VisitorConsumer(ConversationSocket):
    streams_answers = True
    widget = None
    visitor = None
    offline_known: tuple[bool, float] = (False, float("-inf"))

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            return await self.error("bad_frame", _("Frames are JSON text."))
        if len(text_data) > MAX_FRAME_CHARS:
            return await self.error("too_long", _("This message is too long."))
        await super().receive(text_data=text_data, **kwargs)

    async def connect(self):
        key = self.scope["url_route"]["kwargs"]["key"]
        known, self.widget = recent_widgets.lookup(key)  # most connects: no thread hop, no query
        if not known:
            self.widget = await db(widget_by_key_recent)(key)
        headers = dict(self.scope.get("headers", []))
        origin = headers.get(b"origin", b"").decode("latin-1")
        host = headers.get(b"host", b"").decode("latin-1")
        if self.widget is None or not origin_allowed(widget=self.widget, origin=origin, host=host):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if not await limits.rate_allowed(f"ip-connect:{self.client_ip}", limits.ip_connect_limit()):
            await self.close(code=CLOSE_RATE)
            return
        # What this socket says (errors, refusals from the services) is in the widget's language; the
        # activation lives in this connection's task context and the db() threads copy it.
        translation.activate(supported_language(self.widget.language))
        await self.accept()

    @property
    def client_ip(self) -> str:
        client = self.scope.get("client") or ("", 0)
        return client[0] or "unknown"

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return await self.error("bad_frame", _("Frames are JSON objects."))
        kind = content.get("type")
        if self.visitor is None:
            if kind != "hello":
                return await self.error("hello_first", _("Say hello with your token first."))
            return await self.hello(content)
        handler = {
            "message": self.message, "sync": self.resync, "typing": self.typing, "read": self.read,
            "handoff": self.handoff, "rate": self.rate, "transcript": self.transcript,
            "notice_seen": self.notice_seen,
        }.get(kind)  # fmt: skip
        if handler is None:
            return await self.error("unknown_type", _("Unknown frame type."))
        try:
            await handler(content)
        except ApplicationError as error:
            await self.error("refused", str(error), client_id=content.get("client_id", ""))

    async def hello(self, content):
        asked = _int(content.get("ticket"))
        identified, session, owns, availability = await db(_hello)(
            widget=self.widget, token=str(content.get("token") or ""), name=str(content.get("name") or ""),
            email=str(content.get("email") or ""), signature=str(content.get("signature") or ""), asked=asked,
        )  # fmt: skip
        if not owns:
            await self.error("forbidden", _("This is not your conversation."))
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.visitor = identified.visitor
        await self.conversation_join(session.ticket_id if session else None)
        self.last_seq = _int(content.get("last_seq")) if session and asked == session.ticket_id else 0
        self.offline_known = (not availability.online, time.monotonic())
        await self.send_json({
            "type": "welcome", "token": identified.token, "ticket": self.ticket_id,
            "status": session.status if session else "", "widget": widget_public_config(self.widget, availability=availability),
            "visitor": {"name": self.visitor.name, "email": self.visitor.email, "verified": self.visitor.verified},
            "live": layer_reaches_other_processes(self.channel_layer),
        })  # fmt: skip
        await self.sync()
        if self.visitor.verified:  # a signed-in customer's pending notices (outreach), once each
            for frame in await db(visitor_notice_frames)(visitor=self.visitor):
                await self.send_json(frame)

    async def message(self, content):
        text, client_id = str(content.get("text") or ""), str(content.get("client_id") or "")
        if len(text) > self.widget.max_message_chars:
            return await self.error("too_long", _("This message is too long."), client_id=client_id)
        allowed = await limits.rate_allowed(f"visitor:{self.visitor.pk}", limits.visitor_message_limit())
        if allowed:
            allowed = await limits.rate_allowed(f"ip:{self.client_ip}", limits.ip_message_limit())
        if not allowed:
            return await self.error("rate_limited", _("Slow down a little, please."), client_id=client_id)
        offline, seen_at = self.offline_known
        message, status, batch = await db(_receive_and_read)(
            visitor=self.visitor, text=text, client_id=client_id, ticket_id=self.ticket_id, seq=self.last_seq,
            offline=offline if time.monotonic() - seen_at < AVAILABILITY_FRESH_S else None,
        )  # fmt: skip
        if message.ticket_id != self.ticket_id:  # read once joined: nothing can fall between the two
            await self.conversation_join(message.ticket_id)
            await self.send_status(status)
        await self.sync(live=True, batch=batch)
        await self.relay("chat.sync")

    async def resync(self, content):
        if _int(content.get("ticket")) == self.ticket_id:
            self.last_seq = min(self.last_seq, _int(content.get("last_seq")))
        await self.sync()

    async def typing(self, content):
        if await limits.rate_allowed(f"typing:{self.visitor.pk}", (30, 10)):
            await self.relay("chat.typing", who="visitor", name=self.visitor.name)

    async def read(self, content):
        await self.relay("chat.read", who="visitor", seq=_int(content.get("seq")))

    async def notice_seen(self, content):
        await db(visitor_notice_seen)(visitor=self.visitor, notice_id=_int(content.get("id")))

    async def handoff(self, content):
        await db(chat_handoff_request)(visitor=self.visitor)

    async def rate(self, content):
        await db(chat_rate)(visitor=self.visitor, rating=_int(content.get("rating")))
        await self.send_json({"type": "rated", "rating": _int(content.get("rating"))})

    async def transcript(self, content):
        to = await db(chat_transcript_send)(visitor=self.visitor)
        await self.send_json({"type": "transcript_sent", "to": to})

    async def send_status(self, frame: dict | None = None):
        if self.visitor is None:
            return
        frame = frame or await db(_status_frame)(self.visitor)
        if frame is not None:
            await self.send_json(frame)

    async def error(self, code: str, text: str, **extra):
        await self.send_json({"type": "error", "code": code, "text": text, **extra})


def layer_reaches_other_processes(layer) -> bool:
    """False for the in-memory layer (no REDIS_URL): what the worker sends (AI answers) cannot reach
    this socket, so the widget asks for a resync every few seconds instead of waiting for a push."""
    return layer is not None and not isinstance(layer, InMemoryChannelLayer)


def _hello(*, widget, token: str, name: str, email: str, signature: str, asked: int):
    """Everything "hello" needs, in one trip to the thread pool: who the visitor is, their latest
    conversation, whether the conversation they asked for is theirs, and whether the chat is online."""
    identified = visitor_identify(widget=widget, token=token, name=name, email=email, signature=signature)
    session = None if identified.created else session_state(visitor=identified.visitor)  # new: none yet
    owns = not asked or visitor_owns_ticket(visitor=identified.visitor, ticket_id=asked)
    return identified, session, owns, widget_availability(widget=widget)


def _receive_and_read(*, visitor, text: str, client_id: str, ticket_id: int | None, seq: int, offline):
    """The visitor's message through the front door, then what the socket has not sent yet, in one
    trip to the thread pool (None when the message started another conversation: the socket reads its
    messages once it has joined the conversation's group, so none can arrive unseen in between)."""
    message = chat_message_receive(visitor=visitor, text=text, client_id=client_id, offline=offline)
    if message.ticket_id != ticket_id:  # a new conversation: its state (the messages: after joining)
        return message, _status_frame(visitor), None
    if message.seq == seq + 1:  # the usual case: nothing else happened meanwhile, no need to read
        return message, None, [message_payload(message)]
    return message, None, messages_after(ticket_id=ticket_id, seq=seq)


def _status_frame(visitor) -> dict | None:
    session = session_state(visitor=visitor)
    if session is None:
        return None
    agent = session.agent.name if session.agent_id else ""
    return {"type": "status", "ticket": session.ticket_id, "status": session.status, "agent": agent}


def _int(value) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
