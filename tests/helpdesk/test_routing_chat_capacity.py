"""Capacity-based assignment counts an agent's live chats: an accepted chat is a ticket assigned to
the agent and open, so it takes one place of the agent's capacity until the chat is closed."""

from __future__ import annotations

import pytest

from chat.models import ChatSession, ChatWidget
from chat.services.sessions import chat_accept, chat_close, chat_message_receive
from chat.services.visitors import visitor_identify
from helpdesk.models import AssignmentStrategy
from helpdesk.selectors.routing import available_agents
from helpdesk.services.routing import agent_pick
from tests.conftest import make_agent

pytestmark = pytest.mark.django_db(transaction=True)


def live_chat(widget, agent, n):
    visitor = visitor_identify(widget=widget, name=f"Visitor {n}").visitor
    message = chat_message_receive(visitor=visitor, text=f"Question {n}", client_id=f"c-{n}")
    return chat_accept(session=ChatSession.objects.get(ticket_id=message.ticket_id), agent=agent)


def test_open_chats_fill_the_agents_capacity_and_closing_frees_it(team):
    busy, free = make_agent("busy", teams=[team]), make_agent("free", teams=[team])
    for agent, capacity in ((busy, 2), (free, 2)):
        agent.is_online, agent.capacity = True, capacity
        agent.save()
    widget = ChatWidget.objects.create(name="Shop", allowed_origins="https://shop.example.com", team=team)
    chats = [live_chat(widget, busy, n) for n in (1, 2)]
    live_chat(widget, free, 3)

    assert [(agent.user.username, load) for agent, load in available_agents(team)] == [("free", 1)]
    assert agent_pick(team=team, strategy=AssignmentStrategy.LEAST_LOADED) == free

    chat_close(session=chats[0], actor=busy)
    assert {agent.user.username: load for agent, load in available_agents(team)} == {"busy": 1, "free": 1}
