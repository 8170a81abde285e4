"""Live updates end to end: a real session cookie through the ASGI app's auth stack, a reply posted
through the desk view, and the event arriving on the right sockets (and only those)."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from config.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def logged_in(user) -> tuple[Client, str]:
    client = Client()
    client.force_login(user)
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def socket(path: str, session: str | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if session:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def events_until(communicator, kind: str, timeout: float = 5) -> list[dict]:
    received = []
    while True:
        event = await communicator.receive_json_from(timeout=timeout)
        received.append(event)
        if event["kind"] == kind:
            return received


def test_ticket_page_receives_event_after_reply(agent, ticket):
    client, session = logged_in(agent.user)

    async def scenario():
        ws = socket(f"/ws/desk/tickets/{ticket.pk}/", session)
        connected, _ = await ws.connect()
        assert connected
        response = await sync_to_async(client.post)(
            reverse("desk:ticket_reply", args=[ticket.pk]), {"kind": "reply", "body": "On it!"}
        )
        assert response.status_code == 302
        events = await events_until(ws, "message")
        assert events[-1]["ticket_id"] == ticket.pk and events[-1]["number"] == ticket.number
        assert events[-1]["seq"] == 2
        assert {
            "kind": "status",
            "ticket_id": ticket.pk,
            "number": ticket.number,
            "status": "open",
            "from": "new",
        } in events
        await ws.disconnect()

    async_to_sync(scenario)()


def test_inbox_of_team_member_and_admin_receive_but_other_team_does_not(
    agent, other_agent, admin_agent, ticket
):
    client, session = logged_in(agent.user)
    _, other_session = logged_in(other_agent.user)
    _, admin_session = logged_in(admin_agent.user)

    async def scenario():
        mine, theirs, admins = (socket("/ws/desk/inbox/", s) for s in (session, other_session, admin_session))
        for ws in (mine, theirs, admins):
            connected, _ = await ws.connect()
            assert connected
        await sync_to_async(client.post)(
            reverse("desk:ticket_properties", args=[ticket.pk]),
            {"status": "open", "priority": "urgent", "team": ticket.team_id},
        )
        assert (await events_until(mine, "status"))[-1]["ticket_id"] == ticket.pk
        assert (await events_until(admins, "status"))[-1]["ticket_id"] == ticket.pk
        assert await theirs.receive_nothing(timeout=0.3)
        for ws in (mine, theirs, admins):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_agent_of_another_team_is_refused_on_ticket_socket(other_agent, ticket):
    _, session = logged_in(other_agent.user)

    async def scenario():
        ws = socket(f"/ws/desk/tickets/{ticket.pk}/", session)
        connected, _ = await ws.connect()
        assert not connected

    async_to_sync(scenario)()


@pytest.mark.parametrize("path", ["/ws/desk/inbox/", "/ws/desk/tickets/{id}/"])
def test_anonymous_is_refused(path, ticket):
    async def scenario():
        ws = socket(path.format(id=ticket.pk), None)
        connected, _ = await ws.connect()
        assert not connected

    async_to_sync(scenario)()


def test_foreign_origin_is_refused(agent, ticket):
    _, session = logged_in(agent.user)

    async def scenario():
        ws = WebsocketCommunicator(
            application,
            "/ws/desk/inbox/",
            headers=[(b"origin", b"https://evil.example"), (b"cookie", f"sessionid={session}".encode())],
        )
        connected, _ = await ws.connect()
        assert not connected

    async_to_sync(scenario)()
