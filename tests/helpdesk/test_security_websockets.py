"""Stale WebSocket subscriptions: access is re-checked per event, logout closes the sockets, and the
origin check compares scheme, host and port."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application
from helpdesk.models import TeamMembership
from helpdesk.services.tickets import ticket_update
from tests.helpdesk.test_consumers import logged_in, socket

pytestmark = pytest.mark.django_db(transaction=True)


async def closed_with(ws, code=4403, timeout=5) -> bool:
    """Skip events until the socket is closed; True when closed with `code`."""
    while True:
        output = await ws.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code") == code


def test_logout_closes_the_sessions_sockets(agent, ticket):
    client, session = logged_in(agent.user)

    async def scenario():
        ticket_ws = socket(f"/ws/desk/tickets/{ticket.pk}/", session)
        inbox_ws = socket("/ws/desk/inbox/", session)
        assert (await ticket_ws.connect())[0] and (await inbox_ws.connect())[0]
        response = await sync_to_async(client.post)("/desk/logout/")
        assert response.status_code == 302
        assert await closed_with(ticket_ws) and await closed_with(inbox_ws)

    async_to_sync(scenario)()


def test_events_stop_when_the_session_is_gone_even_without_the_logout_signal(agent, ticket, admin_agent):
    client, session = logged_in(agent.user)

    async def scenario():
        ws = socket(f"/ws/desk/tickets/{ticket.pk}/", session)
        assert (await ws.connect())[0]
        await sync_to_async(client.session.delete)()  # expired or deleted elsewhere
        await sync_to_async(ticket_update)(ticket=ticket, actor=admin_agent.user, priority="high")
        assert await closed_with(ws)

    async_to_sync(scenario)()


def test_ticket_moved_out_of_the_agents_teams(agent, ticket, other_team, admin_agent):
    _client, session = logged_in(agent.user)

    async def scenario():
        ticket_ws = socket(f"/ws/desk/tickets/{ticket.pk}/", session)
        inbox_ws = socket("/ws/desk/inbox/", session)
        assert (await ticket_ws.connect())[0] and (await inbox_ws.connect())[0]
        await sync_to_async(ticket_update)(ticket=ticket, actor=admin_agent.user, team=other_team)
        assert await closed_with(ticket_ws)  # no event about a ticket no longer theirs
        event = await inbox_ws.receive_json_from(timeout=5)
        assert event == {"kind": "hidden", "ticket_id": ticket.pk}  # the row goes, nothing else
        await sync_to_async(ticket_update)(ticket=ticket, actor=admin_agent.user, priority="urgent")
        assert await inbox_ws.receive_nothing(timeout=0.5)  # no longer in any of its groups
        await inbox_ws.disconnect()

    async_to_sync(scenario)()


def test_agent_removed_from_the_team_stops_hearing_its_tickets(agent, team, ticket, admin_agent):
    _client, session = logged_in(agent.user)

    async def scenario():
        ws = socket("/ws/desk/inbox/", session)
        assert (await ws.connect())[0]
        await sync_to_async(TeamMembership.objects.filter(agent=agent, team=team).delete)()
        await sync_to_async(ticket_update)(ticket=ticket, actor=admin_agent.user, priority="high")
        event = await ws.receive_json_from(timeout=5)
        assert event == {"kind": "hidden", "ticket_id": ticket.pk}
        await ws.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        ("http://testserver", True),
        ("https://testserver", False),  # another scheme
        ("http://testserver:8081", False),  # another port
        ("http://evil.example", False),
        ("null", False),
        ("", False),
    ],
)
def test_origin_must_match_scheme_host_and_port(agent, origin, accepted):
    _client, session = logged_in(agent.user)
    headers = [(b"host", b"testserver"), (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode())]
    if origin:
        headers.append((b"origin", origin.encode()))

    async def scenario():
        ws = WebsocketCommunicator(application, "/ws/desk/inbox/", headers=headers)
        connected, _ = await ws.connect()
        assert connected is accepted
        await ws.disconnect()

    async_to_sync(scenario)()


def test_the_configured_site_origin_is_accepted_behind_a_proxy(agent, settings):
    settings.SITE_URL = "https://help.example.com"
    settings.ALLOWED_HOSTS = ["help.example.com", "testserver"]
    client = Client()
    client.force_login(agent.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    headers = [
        (b"host", b"help.example.com"),
        (b"origin", b"https://help.example.com"),
        (b"cookie", cookie.encode()),
    ]

    async def scenario():
        ws = WebsocketCommunicator(application, "/ws/desk/inbox/", headers=headers)
        assert (await ws.connect())[0]
        await ws.disconnect()

    async_to_sync(scenario)()
