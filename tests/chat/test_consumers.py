"""The visitor socket with Channels communicators against the real ASGI app, database and channel
layer: origin check, token auth, another visitor's conversation, limits, idempotent resend, resync."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from chat.models import ChatSession
from helpdesk.models import Message, RawInput, TicketChannel
from helpdesk.services.delivery import reply_send
from tests.chat.helpers import connect, hello, make_widget, say, visitor_socket

pytestmark = pytest.mark.django_db(transaction=True)


def run(scenario):
    async_to_sync(scenario)()


def test_origin_not_allowed_is_refused():
    widget = make_widget()

    async def scenario():
        for origin in (
            "https://evil.example.net",
            "",
            "https://shop.example.com.evil.net",
            "http://shop.example.com",
        ):
            ws = visitor_socket(widget, origin=origin)
            connected, code = await ws.connect()
            assert not connected and code == 4403, origin
        ws = visitor_socket(widget)
        connected, _ = await ws.connect()
        assert connected
        await ws.disconnect()

    run(scenario)


def test_unknown_or_inactive_widget_is_refused():
    widget = make_widget(is_active=False)

    async def scenario():
        connected, code = await visitor_socket(widget).connect()
        assert not connected and code == 4403

    run(scenario)


def test_first_frame_must_be_hello_and_message_creates_a_chat_ticket():
    widget = make_widget()

    async def scenario():
        ws = await connect(widget)
        await ws.send_json_to({"type": "message", "text": "hi", "client_id": "x"})
        assert (await ws.receive_json_from())["code"] == "hello_first"
        welcome = await hello(ws, name="Robin")
        assert welcome["token"] and welcome["ticket"] is None and welcome["widget"]["greeting"]
        copy = await say(ws, "My order #12 has not arrived", "c-1")
        assert copy["type"] == "message" and copy["seq"] == 1 and copy["author"] == "customer"
        await ws.disconnect()
        return welcome["token"], copy["ticket"]

    token, ticket_id = async_to_sync(scenario)()
    session = ChatSession.objects.get(ticket_id=ticket_id)
    assert session.ticket.channel == TicketChannel.CHAT and session.visitor.name == "Robin"
    assert session.ticket.requester == session.visitor.customer
    assert RawInput.objects.filter(ticket_id=ticket_id, status="processed").count() == 1


def test_another_visitors_conversation_is_refused():
    widget = make_widget()

    async def scenario():
        alice = await connect(widget)
        await hello(alice)
        alice_ticket = (await say(alice, "Alice's private question", "a-1"))["ticket"]
        mallory = await connect(widget)
        welcome = await hello(mallory)
        assert welcome["ticket"] is None  # a new visitor sees nothing of anybody else
        await mallory.send_json_to({"type": "hello", "ticket": alice_ticket, "last_seq": 0})
        # already identified: a second hello is not a way in either
        frame = await mallory.receive_json_from()
        assert frame["type"] == "error" and frame["code"] == "unknown_type"
        intruder = await connect(widget)
        await intruder.send_json_to({"type": "hello", "ticket": alice_ticket, "last_seq": 0})
        frame = await intruder.receive_json_from()
        assert frame == {"type": "error", "code": "forbidden", "text": "This is not your conversation."}
        assert (await intruder.receive_output())["type"] == "websocket.close"
        assert await intruder.receive_nothing(timeout=0.3)
        for ws in (alice, mallory):
            await ws.disconnect()

    run(scenario)


def test_message_size_and_rate_limits(monkeypatch):
    monkeypatch.setenv("HELMDESK_CHAT_VISITOR_RATE", "3/60")
    widget = make_widget(max_message_chars=50)

    async def scenario():
        ws = await connect(widget, ip="198.51.100.7")
        await hello(ws)
        too_long = await say(ws, "x" * 51, "long")
        assert too_long["type"] == "error" and too_long["code"] == "too_long"
        for n in range(3):
            assert (await say(ws, f"message {n}", f"m-{n}"))["type"] == "message"
        limited = await say(ws, "one too many", "m-3")
        assert limited["type"] == "error" and limited["code"] == "rate_limited"
        await ws.disconnect()

    run(scenario)
    assert Message.objects.filter(author_kind="customer").count() == 3
    assert not Message.objects.filter(client_id__in=["long", "m-3"]).exists()


def test_ip_connection_rate_limit(monkeypatch):
    monkeypatch.setenv("HELMDESK_CHAT_IP_CONNECT_RATE", "2/60")
    widget = make_widget()

    async def scenario():
        for _ in range(2):
            ws = await connect(widget, ip="192.0.2.99")
            await ws.disconnect()
        connected, code = await visitor_socket(widget, ip="192.0.2.99").connect()
        assert not connected and code == 4429
        other = await connect(widget, ip="192.0.2.100")
        await other.disconnect()

    run(scenario)


def test_resend_with_same_client_id_is_idempotent():
    widget = make_widget()

    async def scenario():
        ws = await connect(widget)
        await hello(ws)
        first = await say(ws, "Where is my parcel?", "c-1")
        second = await say(ws, "Where is my parcel?", "c-2")
        again = await ws.send_json_to({"type": "message", "text": "Where is my parcel?", "client_id": "c-2"})
        assert again is None and await ws.receive_nothing(timeout=0.5)  # nothing new to send
        first_again = await ws.send_json_to(
            {"type": "message", "text": "Where is my parcel?", "client_id": "c-1"}
        )
        assert first_again is None and await ws.receive_nothing(timeout=0.5)
        await ws.disconnect()
        return first, second

    first, second = async_to_sync(scenario)()
    assert (first["seq"], second["seq"]) == (1, 2)
    assert Message.objects.filter(ticket_id=first["ticket"]).count() == 2


def test_resync_after_disconnect_returns_exactly_the_missed_messages():
    widget = make_widget()

    async def scenario():
        ws = await connect(widget)
        welcome = await hello(ws)
        token = welcome["token"]
        seen = await say(ws, "Hello?", "c-1")
        ticket_id = seen["ticket"]
        await ws.disconnect()

        # While the visitor is away: two agent replies and an internal note (never shown).
        session = await sync_to_async(ChatSession.objects.select_related("ticket").get)(ticket_id=ticket_id)
        await sync_to_async(_replies_while_away)(session.ticket)

        back = await connect(widget)
        welcome = await hello(back, token=token, ticket=ticket_id, last_seq=seen["seq"])
        assert welcome["ticket"] == ticket_id
        missed = [await back.receive_json_from() for _ in range(2)]
        assert await back.receive_nothing(timeout=0.5)
        assert [(m["seq"], m["text"]) for m in missed] == [(2, "First reply"), (4, "Second reply")]

        # asking again for the same range sends them again (the client de-duplicates by seq) ...
        await back.send_json_to({"type": "sync", "ticket": ticket_id, "last_seq": 2})
        assert [(await back.receive_json_from())["seq"]] == [4]
        # ... and a plain sync with nothing missed sends nothing
        await back.send_json_to({"type": "sync", "ticket": ticket_id, "last_seq": 4})
        assert await back.receive_nothing(timeout=0.5)
        await back.disconnect()

    run(scenario)


def _replies_while_away(ticket):
    from helpdesk.services.messages import note_add
    from tests.conftest import make_agent

    agent = make_agent("agnes")
    reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="First reply")
    note_add(ticket=ticket, author_agent=agent, body_text="internal: check the warehouse")
    reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="Second reply")


def test_live_reply_reaches_the_connected_visitor_once():
    widget = make_widget()

    async def scenario():
        ws = await connect(widget)
        await hello(ws)
        mine = await say(ws, "Anyone there?", "c-1")
        session = await sync_to_async(ChatSession.objects.select_related("ticket").get)(
            ticket_id=mine["ticket"]
        )
        agent = await sync_to_async(_agent)()
        await sync_to_async(reply_send)(
            ticket=session.ticket, author_kind="agent", author_agent=agent, body_text="Yes!"
        )
        reply = await ws.receive_json_from()
        assert (reply["type"], reply["seq"], reply["author"], reply["text"]) == (
            "message",
            2,
            "agent",
            "Yes!",
        )
        assert await ws.receive_nothing(timeout=0.5)
        await ws.disconnect()

    run(scenario)
    assert Message.objects.get(seq=2).delivery_status == "sent"


def _agent():
    from tests.conftest import make_agent

    return make_agent("agnes")


def test_bad_frames_get_clear_errors_and_keep_the_socket():
    widget = make_widget()

    async def scenario():
        ws = await connect(widget)
        await ws.send_to(text_data="{not json")
        assert (await ws.receive_json_from())["code"] == "bad_frame"
        await ws.send_to(bytes_data=b"\x00")
        assert (await ws.receive_json_from())["code"] == "bad_frame"
        await hello(ws)
        empty = await say(ws, "   ", "c-1")
        assert empty["type"] == "error" and empty["code"] == "refused"
        await ws.disconnect()

    run(scenario)


def test_frames_and_nudges_do_not_hop_to_the_sync_thread(monkeypatch):
    """Channels closes the sync thread's old connections before every handler (a hop to Django's one
    sync thread per frame and per nudge); the chat sockets' database calls close their own."""
    import channels.consumer
    import channels.generic.websocket

    hops = []
    original = channels.consumer.aclose_old_connections

    async def counted():
        hops.append(1)
        await original()

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    monkeypatch.setattr(channels.generic.websocket, "aclose_old_connections", counted)
    widget = make_widget()

    async def scenario():
        ws = await connect(widget)
        await hello(ws)
        first = await say(ws, "Where is my parcel?", "h-1")
        second = await say(ws, "It was due on Monday", "h-2")
        await ws.disconnect()
        return first, second

    first, second = async_to_sync(scenario)()
    assert (first["seq"], second["seq"]) == (1, 2) and first["ticket"] == second["ticket"]
    assert hops == []
