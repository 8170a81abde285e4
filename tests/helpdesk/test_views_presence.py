"""Collision warning: two agents on the same ticket see each other, and who is typing."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from helpdesk.services.presence import TYPING_TTL, VIEWING_TTL, presence_others, presence_touch
from tests.conftest import make_agent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def bruno(team):
    agent = make_agent("bruno", teams=[team])
    agent.display_name = "Bruno Keller"
    agent.save()
    return agent


def test_a_second_agent_sees_who_else_has_the_ticket_open(client_agent, bruno, ticket):
    url = reverse("desk:ticket_presence", args=[ticket.pk])
    assert "also has this ticket open" not in client_agent.get(url).content.decode()
    other = Client()
    other.force_login(bruno.user)
    html = other.get(url).content.decode()
    assert "Alice also has this ticket open." in html
    html = client_agent.get(url).content.decode()
    assert "Bruno Keller also has this ticket open." in html


def test_typing_is_announced_and_ends_on_its_own(client_agent, agent, bruno, ticket):
    url = reverse("desk:ticket_presence", args=[ticket.pk])
    other = Client()
    other.force_login(bruno.user)
    other.post(url, {"typing": "1"})
    assert "Bruno Keller is typing a reply to this ticket." in client_agent.get(url).content.decode()
    now = __import__("time").time()
    later = presence_others(ticket_id=ticket.pk, agent=agent, now=now + TYPING_TTL + 1)
    assert [(p.name, p.typing) for p in later] == [("Bruno Keller", False)]
    assert presence_others(ticket_id=ticket.pk, agent=agent, now=now + VIEWING_TTL + 1) == []


def test_leaving_removes_the_agent(client_agent, agent, bruno, ticket):
    presence_touch(ticket_id=ticket.pk, agent=bruno)
    other = Client()
    other.force_login(bruno.user)
    other.post(reverse("desk:ticket_presence", args=[ticket.pk]), {"leave": "1"})
    assert presence_others(ticket_id=ticket.pk, agent=agent) == []


def test_presence_of_another_teams_ticket_is_refused(client, other_agent, ticket):
    client.force_login(other_agent.user)
    assert client.get(reverse("desk:ticket_presence", args=[ticket.pk])).status_code == 403


def test_ticket_page_carries_the_banner(client_agent, ticket):
    html = client_agent.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    assert 'id="ticket-presence"' in html and "js/presence.js" in html
