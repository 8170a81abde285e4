"""Merging tickets of different customers: refused unless confirmed, never visible to the other customer."""

import pytest
from rest_framework.test import APIClient

from core.errors import ApplicationError
from helpdesk.models import Message, Ticket, TicketEvent
from helpdesk.selectors.portal import SESSION_KEY
from helpdesk.services.api_tokens import api_token_create
from helpdesk.services.attachments import attachment_add
from helpdesk.services.tickets import MergeNeedsConfirmation, ticket_create, ticket_merge
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db

SECRET = "My card ends 4242 and I live at 1 Secret Lane"


@pytest.fixture
def intruder():
    return make_customer(email="mallory@example.com", name="Mallory")


@pytest.fixture
def foreign(intruder, team):
    """A ticket of another customer, carrying private words and a file."""
    ticket = ticket_create(requester=intruder, subject="Private", body_text=SECRET, team=team)
    attachment_add(
        ticket=ticket, message=ticket.messages.get(), uploaded=("secret.txt", b"private file", "text/plain")
    )
    return ticket


def portal_page(client, customer, ticket):
    session = client.session
    session[SESSION_KEY] = customer.pk
    session.save()
    return client.get(f"/portal/tickets/{ticket.number}/")


def test_merge_of_other_customers_ticket_is_refused_without_confirmation(foreign, ticket, agent):
    with pytest.raises(MergeNeedsConfirmation) as refused:
        ticket_merge(source=foreign, target=ticket, actor=agent.user)
    assert "mallory" not in refused.value.message  # names the target's requester, not the source's
    assert isinstance(refused.value, ApplicationError)
    foreign.refresh_from_db()
    assert foreign.merged_into_id is None and foreign.messages.count() == 1


def test_confirmed_cross_customer_merge_hides_the_other_customers_words(
    client, foreign, ticket, customer, agent
):
    ticket_merge(source=foreign, target=ticket, actor=agent.user, allow_other_requester=True)
    moved = Message.objects.get(ticket=ticket, body_text=SECRET)
    assert moved.is_internal  # agents still see it, as a note
    event = TicketEvent.objects.get(ticket=ticket, field="merged_from")
    assert "internal notes" in event.after
    page = portal_page(client, customer, ticket)
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    file = moved.attachments.get()
    assert client.get(f"/portal/attachments/{file.pk}/").status_code == 404


def test_portal_never_shows_another_customers_message_even_if_public(
    client, foreign, ticket, customer, agent
):
    """The second wall: even a public message by another customer on this ticket stays hidden."""
    ticket_merge(source=foreign, target=ticket, actor=agent.user, allow_other_requester=True)
    moved = Message.objects.get(ticket=ticket, body_text=SECRET)
    Message.objects.filter(pk=moved.pk).update(is_internal=False)  # as if some future move forgot it
    page = portal_page(client, customer, ticket).content.decode()
    assert SECRET not in page
    assert client.get(f"/portal/attachments/{moved.attachments.get().pk}/").status_code == 404


def test_same_customer_merge_needs_no_confirmation_and_stays_public(customer, ticket, team, agent):
    other = ticket_create(requester=customer, subject="Same person", body_text="second question", team=team)
    ticket_merge(source=other, target=ticket, actor=agent.user)
    assert not Message.objects.get(ticket=ticket, body_text="second question").is_internal


def test_desk_merge_form_warns_then_merges_on_confirmation(client_agent, foreign, ticket):
    url = f"/desk/tickets/{foreign.pk}/merge/"
    page = client_agent.post(url, {"target_number": ticket.number}, follow=True).content.decode()
    assert "belongs to another customer" in page
    assert Ticket.objects.get(pk=foreign.pk).merged_into_id is None
    client_agent.post(url, {"target_number": ticket.number, "allow_other_requester": "1"})
    assert Ticket.objects.get(pk=foreign.pk).merged_into_id == ticket.pk


def test_api_merge_answers_409_until_confirmed(foreign, ticket, agent):
    client = APIClient()
    _, raw = api_token_create(name="t", agent=agent)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/v1/tickets/{foreign.pk}/merge/"
    refused = client.post(url, {"into": ticket.pk}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "other_requester"
    assert Ticket.objects.get(pk=foreign.pk).merged_into_id is None
    done = client.post(url, {"into": ticket.pk, "allow_other_requester": True}, format="json")
    assert done.status_code == 200 and done.json()["id"] == ticket.pk
