"""The collision warning is live: when a second agent opens the ticket or starts typing, the first
agent's ticket page hears "presence" over its WebSocket at once (and an agent who sees the "No team"
queue hears about unrouted tickets in the inbox)."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.cache import cache
from django.urls import reverse

from helpdesk.services.tickets import ticket_create
from tests.conftest import make_agent
from tests.helpdesk.test_consumers import events_until, logged_in, socket

pytestmark = pytest.mark.django_db(transaction=True)


def test_second_agent_opening_and_typing_reaches_the_first_page(agent, team, ticket):
    cache.clear()
    bruno = make_agent("bruno", teams=[team])
    _, session = logged_in(agent.user)
    bruno_client, _ = logged_in(bruno.user)
    url = reverse("desk:ticket_presence", args=[ticket.pk])

    async def scenario():
        ws = socket(f"/ws/desk/tickets/{ticket.pk}/", session)
        connected, _ = await ws.connect()
        assert connected
        await sync_to_async(bruno_client.get)(url)
        events = await events_until(ws, "presence")
        assert events[-1] == {"kind": "presence", "ticket_id": ticket.pk}
        await sync_to_async(bruno_client.post)(url, {"typing": "1"})
        events = await events_until(ws, "presence")
        assert events[-1]["kind"] == "presence"
        await ws.disconnect()

    async_to_sync(scenario)()


def test_no_team_queue_is_live_for_ordinary_agents(agent, customer):
    _, session = logged_in(agent.user)

    async def scenario():
        ws = socket("/ws/desk/inbox/", session)
        connected, _ = await ws.connect()
        assert connected
        created = await sync_to_async(ticket_create)(
            requester=customer, subject="Unrouted", body_text="Help", team=None
        )
        events = await events_until(ws, "ticket_created")
        assert events[-1]["ticket_id"] == created.pk
        await ws.disconnect()

    async_to_sync(scenario)()
