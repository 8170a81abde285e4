"""The desk's chat pages and the agents' sockets: queue, accept / transfer / close, capacity,
permission checks, the agent's live reply reaching the visitor."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from chat.models import AgentChatCapacity, ChatSession, ChatWidget
from chat.services.sessions import chat_message_receive
from chat.services.visitors import visitor_identify
from config.asgi import application
from helpdesk.models import Message, TicketStatus
from tests.chat.helpers import connect, frames_until, hello, make_widget, say
from tests.conftest import make_agent

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_chat(widget, text="Where is my order?", name="Robin"):
    visitor = visitor_identify(widget=widget, name=name).visitor
    message = chat_message_receive(visitor=visitor, text=text, client_id="c-1")
    return ChatSession.objects.get(ticket_id=message.ticket_id)


def test_widget_script_is_served_small_and_cross_origin(client):
    response = client.get("/chat/widget.js")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert b"attachShadow" in body and len(__import__("gzip").compress(body)) < 30_000


def test_queue_lists_waiting_chats_and_accept_assigns(client, team, agent):
    widget = make_widget(team=team)
    session = waiting_chat(widget)
    client.force_login(agent.user)
    page = client.get(reverse("chat_desk:queue"))
    assert page.status_code == 200 and b"Where is my order?" in page.content
    response = client.post(reverse("chat_desk:accept", args=[session.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "chat_desk:conversation", args=[session.pk]
    )
    session.refresh_from_db()
    assert session.status == "active" and session.agent == agent
    assert session.ticket.assignee == agent and session.ticket.status == TicketStatus.OPEN
    assert b"Where is my order?" not in client.get(reverse("chat_desk:queue")).content.split(b"Queue")[1]


def test_other_teams_agent_cannot_see_or_take_the_chat(client, team, other_agent):
    session = waiting_chat(make_widget(team=team))
    client.force_login(other_agent.user)
    assert b"Where is my order?" not in client.get(reverse("chat_desk:queue")).content
    assert client.get(reverse("chat_desk:conversation", args=[session.pk])).status_code == 404
    assert client.post(reverse("chat_desk:accept", args=[session.pk])).status_code == 404
    session.refresh_from_db()
    assert session.agent is None


def test_capacity_limit_refuses_one_chat_too_many(client, team, agent):
    AgentChatCapacity.objects.create(agent=agent, max_chats=1)
    widget = make_widget(team=team)
    first, second = waiting_chat(widget, name="A"), waiting_chat(widget, name="B")
    client.force_login(agent.user)
    client.post(reverse("chat_desk:accept", args=[first.pk]))
    response = client.post(reverse("chat_desk:accept", args=[second.pk]), follow=True)
    assert b"reached their chat limit" in response.content
    second.refresh_from_db()
    assert second.agent is None and second.status == "waiting"


def test_transfer_and_close(client, team, agent):
    colleague = make_agent("carol", teams=[team])
    session = waiting_chat(make_widget(team=team))
    client.force_login(agent.user)
    client.post(reverse("chat_desk:accept", args=[session.pk]))
    client.post(reverse("chat_desk:transfer", args=[session.pk]), {"agent": colleague.pk})
    session.refresh_from_db()
    assert session.agent == colleague and session.ticket.assignee == colleague
    client.post(reverse("chat_desk:close", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == "closed" and session.ticket.status == TicketStatus.SOLVED


def test_agent_socket_reply_reaches_visitor_live_and_closing_offers_csat(team, agent):
    widget = make_widget(team=team)
    agent_client = Client()
    agent_client.force_login(agent.user)
    cookie = agent_client.cookies[settings.SESSION_COOKIE_NAME].value

    async def scenario():
        visitor = await connect(widget)
        await hello(visitor, name="Robin")
        asked = await say(visitor, "Can a person help?", "v-1")
        session = await sync_to_async(ChatSession.objects.get)(ticket_id=asked["ticket"])
        desk = WebsocketCommunicator(application, f"/ws/desk/chat/{session.pk}/", headers=[
            (b"origin", b"http://testserver"), (b"host", b"testserver"),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
        ])  # fmt: skip
        connected, _ = await desk.connect()
        assert connected
        await desk.send_json_to({"type": "hello", "last_seq": 0})
        assert (await desk.receive_json_from())["text"] == "Can a person help?"
        await visitor.send_json_to({"type": "typing"})
        assert (await desk.receive_json_from())["type"] == "typing"
        await desk.send_json_to({"type": "message", "client_id": "a-1", "text": "Hi Robin, I am here."})
        await desk.send_json_to({"type": "message", "client_id": "a-1", "text": "Hi Robin, I am here."})
        frames = [await visitor.receive_json_from(timeout=10) for _ in range(2)]
        reply = next(f for f in frames if f["type"] == "message")
        assert (reply["author"], reply["text"], reply["seq"]) == ("agent", "Hi Robin, I am here.", 2)
        await visitor.send_json_to({"type": "read", "seq": 2})
        await sync_to_async(agent_client.post)(reverse("chat_desk:close", args=[session.pk]))
        status = await frames_until(visitor, lambda f: f["type"] == "status")
        assert status[-1] == {
            "type": "status",
            "ticket": session.ticket_id,
            "status": "closed",
            "agent": agent.name,
        }
        await visitor.send_json_to({"type": "rate", "rating": 5})
        assert (await visitor.receive_json_from())["type"] == "rated"
        for ws in (visitor, desk):
            await ws.disconnect()
        return session.pk

    session_pk = async_to_sync(scenario)()
    session = ChatSession.objects.get(pk=session_pk)
    assert session.csat_rating == 5
    assert Message.objects.filter(ticket=session.ticket, client_id="a-1").count() == 1


def test_agent_socket_refuses_other_team_and_anonymous(team, other_agent):
    session = waiting_chat(make_widget(team=team))
    other = Client()
    other.force_login(other_agent.user)
    cookie = other.cookies[settings.SESSION_COOKIE_NAME].value

    async def scenario():
        for headers in ([], [(b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())]):
            ws = WebsocketCommunicator(application, f"/ws/desk/chat/{session.pk}/",
                                       headers=[(b"origin", b"http://testserver"), (b"host", b"testserver"), *headers])  # fmt: skip
            connected, code = await ws.connect()
            assert not connected and code == 4403

    async_to_sync(scenario)()


def test_desk_chat_page_offers_macros_and_the_ai_panel(client, team, agent):
    from helpdesk.models import Macro

    Macro.objects.create(name="Greeting", body="Hello {{ customer.name }}, {{ agent.first_name }} here.")
    session = waiting_chat(make_widget(team=team), name="Robin")
    client.force_login(agent.user)
    page = client.get(reverse("chat_desk:conversation", args=[session.pk])).content.decode()
    assert 'class="ticket-layout chat-page"' in page and "data-chat-macro" in page
    assert reverse("ai:ai_panel", args=[session.ticket_id]) in page  # the AI draft, loaded into the page
    macro = Macro.objects.get(name="Greeting")
    filled = client.get(reverse("chat_desk:macro", args=[session.pk]), {"macro": macro.pk}).json()
    assert filled == {"text": f"Hello Robin, {agent.user.first_name} here."}
    assert client.get(reverse("chat_desk:macro", args=[session.pk]), {"macro": 999}).status_code == 404


def test_demo_widget_is_created_once_and_its_page_embeds_it_with_one_tag(client, settings):
    from chat.services.demo import ensure_demo_widget

    assert client.get("/chat/demo/").status_code == 404
    widget = ensure_demo_widget()
    assert ensure_demo_widget().pk == widget.pk and ChatWidget.objects.count() == 1
    assert "http://localhost:8000" in widget.origins and widget.ai_first_answer
    settings.SITE_URL = "https://desk.example.com"
    assert "https://desk.example.com" in ensure_demo_widget().origins
    page = client.get("/chat/demo/").content.decode()
    assert page.count("<script ") == 1 and f'data-widget="{widget.key}"' in page
