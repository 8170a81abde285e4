"""The desk's "New ticket" action and the customer page (profile, tickets, chats, notes)."""

import pytest
from django.urls import reverse

from helpdesk.models import Customer, RawInput, Ticket, TicketChannel
from helpdesk.services.tickets import ticket_create

pytestmark = pytest.mark.django_db


def test_agent_opens_a_phone_ticket_for_a_new_customer(client_agent, agent, team):
    response = client_agent.post(
        reverse("desk:ticket_new"),
        {
            "email": "Pat@Example.com",
            "name": "Pat Caller",
            "channel": "phone",
            "subject": "Bike will not start",
            "body": "Called at 10:05: the display stays dark.",
            "priority": "high",
            "team": team.pk,
            "assign_to_me": "on",
        },  # fmt: skip
    )
    ticket = Ticket.objects.get(subject="Bike will not start")
    assert response.status_code == 302 and response["Location"] == reverse("desk:ticket", args=[ticket.pk])
    assert (ticket.channel, ticket.priority, ticket.team, ticket.assignee) == ("phone", "high", team, agent)
    assert ticket.requester.email == "Pat@Example.com" and ticket.requester.name == "Pat Caller"
    first = ticket.messages.get()
    assert first.author_kind == "customer" and first.body_text == "Called at 10:05: the display stays dark."
    assert RawInput.objects.filter(ticket=ticket, channel=TicketChannel.PHONE).exists()  # the front door
    assert ticket.events.filter(field="created", actor=agent.user).exists()


def test_new_ticket_form_reuses_a_known_customer_and_shows_errors(client_agent, customer):
    html = client_agent.get(reverse("desk:ticket_new"), {"customer": customer.pk}).content.decode()
    assert f'value="{customer.email}"' in html
    response = client_agent.post(
        reverse("desk:ticket_new"), {"email": "not-an-email", "subject": "", "body": ""}
    )
    assert response.status_code == 200 and "field-error" in response.content.decode()
    client_agent.post(
        reverse("desk:ticket_new"),
        {
            "email": customer.email.upper(),
            "channel": "email",
            "subject": "Invoice copy",
            "body": "Needs a copy.",
            "priority": "normal",
            "assign_to_me": "on",
        },  # fmt: skip
    )
    assert Customer.objects.count() == 1
    assert Ticket.objects.get(subject="Invoice copy").requester == customer


def test_customer_page_lists_visible_tickets_chats_and_saves_notes(client_agent, customer, team, other_team):
    ticket_create(requester=customer, subject="Mine to see", body_text="a", team=team)
    ticket_create(requester=customer, subject="Billing secret", body_text="b", team=other_team)
    ticket_create(requester=customer, subject="Chat about pedals", body_text="c", team=team, channel="chat")
    url = reverse("desk:customer", args=[customer.pk])
    html = client_agent.get(url).content.decode()
    assert "Mine to see" in html and "Chat about pedals" in html
    assert "Billing secret" not in html and "1 more ticket belongs to a team you are not in." in html
    client_agent.post(reverse("desk:customer_notes", args=[customer.pk]), {"notes": "Prefers phone calls."})
    customer.refresh_from_db()
    assert customer.notes == "Prefers phone calls."
    assert "Prefers phone calls." in client_agent.get(url).content.decode()


def test_customer_search_and_links_from_the_ticket(client_agent, customer, ticket):
    html = client_agent.get(reverse("desk:customers"), {"q": "casey"}).content.decode()
    assert reverse("desk:customer", args=[customer.pk]) in html
    page = client_agent.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    assert reverse("desk:customer", args=[customer.pk]) in page
    assert reverse("desk:ticket_new") in page  # the top bar's "New ticket"


def test_unknown_customer_is_404(client_agent):
    assert client_agent.get(reverse("desk:customer", args=[999999])).status_code == 404
