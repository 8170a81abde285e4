"""Pages and API lists cost a fixed number of queries, however many tickets or messages they show.

Each test renders the same page for a small and a larger data set and compares the queries run
(after one warm-up request, so per-process caches do not count). An N+1 shows up as a difference.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from helpdesk.models import Message, TicketChannel
from helpdesk.services.api_tokens import api_token_create
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.delivery import reply_send
from helpdesk.services.messages import note_add
from helpdesk.services.tickets import ticket_update
from tests.conftest import make_agent, make_customer

pytestmark = pytest.mark.django_db


def _conversation(*, customer, team, agent, rounds: int, tags=("billing", "parts")):
    """A ticket with `rounds` customer messages, agent replies and notes, each with an attachment."""
    received = conversation_receive(
        channel=TicketChannel.WEB,
        sender=customer,
        subject="The brake squeaks",
        body_text="It squeaks when I brake.",
        team=team,
        tags=tags,
    )
    ticket = ticket_update(ticket=received.ticket, assignee=agent)
    for index in range(rounds):
        reply_send(
            ticket=ticket,
            author_kind=Message.AuthorKind.AGENT,
            author_agent=agent,
            body_text=f"Try this, step {index}.",
            attachments=[SimpleUploadedFile(f"guide-{index}.txt", b"steps", content_type="text/plain")],
        )
        note_add(ticket=ticket, author_agent=agent, body_text=f"Internal note {index}")
        conversation_receive(
            channel=TicketChannel.WEB,
            sender=customer,
            thread_hint=ticket,
            body_text=f"Still squeaking ({index}).",
            attachments=[SimpleUploadedFile(f"photo-{index}.txt", b"photo", content_type="text/plain")],
        )
    ticket.refresh_from_db()
    return ticket


def _queries(client_or_api, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client_or_api.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured), [q["sql"] for q in captured.captured_queries]


def _same_cost(client_or_api, small_url: str, large_url: str) -> int:
    client_or_api.get(small_url)  # warm-up: sessions, settings caches, content types
    small, _ = _queries(client_or_api, small_url)
    large, sql = _queries(client_or_api, large_url)
    assert small == large, f"{small} queries for the small page, {large} for the large one:\n" + "\n".join(
        sql
    )
    return large


@pytest.fixture
def api(agent):
    _, raw = api_token_create(name="counts", agent=agent)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_desk_ticket_page_costs_the_same_with_3_or_30_messages(client_agent, customer, team, agent):
    small = _conversation(customer=customer, team=team, agent=agent, rounds=1)
    large = _conversation(customer=customer, team=team, agent=agent, rounds=10)
    assert large.messages.count() == 31 and small.messages.count() == 4
    cost = _same_cost(client_agent, f"/desk/tickets/{small.pk}/", f"/desk/tickets/{large.pk}/")
    assert cost < 60  # a budget, so the page cannot quietly grow many fixed queries either


def test_the_api_message_list_costs_the_same_with_3_or_30_messages(api, customer, team, agent):
    small = _conversation(customer=customer, team=team, agent=agent, rounds=1)
    large = _conversation(customer=customer, team=team, agent=agent, rounds=10)
    _same_cost(api, f"/api/v1/tickets/{small.pk}/messages/", f"/api/v1/tickets/{large.pk}/messages/")
    data = api.get(f"/api/v1/tickets/{large.pk}/messages/").json()
    assert len(data) == 31 and sum(len(m["attachments"]) for m in data) == 20


def test_the_api_ticket_list_costs_the_same_for_2_or_20_tickets(api, team, agent):
    for number in range(2):
        _conversation(customer=make_customer(f"a{number}@example.com"), team=team, agent=agent, rounds=0)
    small, _ = _queries(api, "/api/v1/tickets/")  # warm-up and the small count in one
    small, _ = _queries(api, "/api/v1/tickets/")
    others = make_agent("carol", teams=[team])
    for number in range(18):
        _conversation(
            customer=make_customer(f"b{number}@example.com"),
            team=team,
            agent=others if number % 2 else agent,
            rounds=0,
            tags=(f"tag-{number}", "parts"),
        )
    large, sql = _queries(api, "/api/v1/tickets/")
    assert small == large, "\n".join(sql)
    results = api.get("/api/v1/tickets/").json()["results"]
    assert len(results) == 20 and all(r["requester"]["email"] and r["tags"] for r in results)


def test_the_api_ticket_list_filters_cost_no_extra_queries_per_ticket(api, team, agent):
    for number in range(3):
        _conversation(customer=make_customer(f"c{number}@example.com"), team=team, agent=agent, rounds=0)
    url = f"/api/v1/tickets/?status=new&team={team.pk}&assignee={agent.pk}&tag=parts&q=squeaks"
    api.get(url)
    small, _ = _queries(api, url)
    for number in range(12):
        _conversation(customer=make_customer(f"d{number}@example.com"), team=team, agent=agent, rounds=0)
    large, sql = _queries(api, url)
    assert small == large, "\n".join(sql)
    assert len(api.get(url).json()["results"]) == 15


def test_the_api_ticket_detail_costs_the_same_with_few_or_many_messages_and_tags(api, customer, team, agent):
    small = _conversation(customer=customer, team=team, agent=agent, rounds=1, tags=("one",))
    large = _conversation(
        customer=customer, team=team, agent=agent, rounds=8, tags=tuple(f"t{i}" for i in range(8))
    )
    _same_cost(api, f"/api/v1/tickets/{small.pk}/", f"/api/v1/tickets/{large.pk}/")
    assert len(api.get(f"/api/v1/tickets/{large.pk}/").json()["tags"]) == 8
