"""Outreach "chat message on next visit": the chat widget of a visitor whose identity the host site
signed shows the customer's pending outreach message when it connects, exactly once, audited as
delivered, and as opened when the widget reports it was seen. Real Channels sockets."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from asgiref.sync import async_to_sync

from outreach.models import Channel, OutreachAudit, OutreachMessage
from tests.chat.helpers import connect, hello, make_widget
from tests.outreach.conftest import event_body, make_rule

pytestmark = pytest.mark.django_db(transaction=True)


def sign(widget, email: str) -> str:
    return hmac.new(widget.identity_secret.encode(), email.lower().encode(), hashlib.sha256).hexdigest()


async def visit(widget, *, email: str = "", signed: bool = True, seen: bool = False) -> list[dict]:
    """Open the widget, say hello and collect the notice frames that follow (then report them seen)."""
    ws = await connect(widget)
    frame = {"email": email, "signature": sign(widget, email) if signed and email else ""}
    await hello(ws, **frame)
    notices = []
    while not await ws.receive_nothing(timeout=0.5):
        received = await ws.receive_json_from()
        if received["type"] == "notice":
            notices.append(received)
    if seen:
        for notice in notices:
            await ws.send_json_to({"type": "notice_seen", "id": notice["id"]})
        await ws.receive_nothing(timeout=0.5)
    await ws.disconnect()
    return notices


def test_a_chat_outreach_message_is_shown_once_on_the_signed_in_visitors_next_visit(post_event):
    make_rule(channel=Channel.CHAT, requires_approval=False)
    post_event(event_body(email="casey@example.com"))
    message = OutreachMessage.objects.get()
    assert message.status == OutreachMessage.Status.SENT and message.delivered_at is None
    widget = make_widget()

    # anonymous, or only typing the address, is not the customer: nothing is shown
    assert async_to_sync(visit)(widget) == []
    assert async_to_sync(visit)(widget, email="casey@example.com", signed=False) == []

    [notice] = async_to_sync(visit)(widget, email="casey@example.com")
    assert notice["id"] == message.pk and "NW-1042" in notice["body"] and notice["subject"] == "Order NW-1042"
    message.refresh_from_db()
    assert message.delivered_at is not None and message.opened_at is None
    assert OutreachAudit.objects.filter(message=message, action="delivered").count() == 1

    # another customer's widget cannot mark it opened
    async_to_sync(visit)(widget, email="other@example.com")
    other = make_widget()
    ws_frames = async_to_sync(_seen_by)(other, "other@example.com", message.pk)
    assert ws_frames == []
    message.refresh_from_db()
    assert message.opened_at is None

    # the next visit shows nothing again; reporting it seen marks it opened, once
    assert async_to_sync(visit)(widget, email="casey@example.com") == []
    async_to_sync(_seen_by)(widget, "casey@example.com", message.pk)
    async_to_sync(_seen_by)(widget, "casey@example.com", message.pk)
    message.refresh_from_db()
    assert message.opened_at is not None
    assert OutreachAudit.objects.filter(message=message, action="opened").count() == 1


async def _seen_by(widget, email: str, notice_id: int) -> list[dict]:
    ws = await connect(widget)
    await hello(ws, email=email, signature=sign(widget, email))
    await ws.send_json_to({"type": "notice_seen", "id": notice_id})
    frames = []
    while not await ws.receive_nothing(timeout=0.5):
        frame = await ws.receive_json_from()
        if frame["type"] == "notice":
            frames.append(frame)
    await ws.disconnect()
    return frames
