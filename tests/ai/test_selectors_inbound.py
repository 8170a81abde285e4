"""The channel policy and the inbound idempotency reads (ai.selectors.inbound)."""

from __future__ import annotations

import pytest

from ai.models import AIInteraction, AISettings
from ai.selectors.inbound import (
    ANSWER,
    DRAFT,
    channel_policy,
    customer_message_get,
    inbound_handled,
    person_took_over,
)
from helpdesk.models import Message, TicketChannel
from helpdesk.services.messages import message_post
from helpdesk.services.tickets import ticket_create

pytestmark = pytest.mark.django_db


def _ticket(customer, channel=TicketChannel.WEB):
    return ticket_create(requester=customer, subject="Q", body_text="How do I reset it?", channel=channel)


@pytest.mark.parametrize(
    ("channel", "answer_email", "expected"),
    [
        (TicketChannel.WEB, False, ANSWER),
        (TicketChannel.CHAT, False, ANSWER),
        (TicketChannel.EMAIL, False, DRAFT),
        (TicketChannel.EMAIL, True, ANSWER),
        (TicketChannel.API, True, DRAFT),
    ],
)
def test_channel_policy_by_channel(customer, channel, answer_email, expected):
    settings_row = AISettings.load()
    settings_row.answer_email = answer_email
    settings_row.save()
    assert channel_policy(ticket=_ticket(customer, channel)) == expected


def test_an_agent_reply_hands_the_conversation_to_people(customer, agent):
    ticket = _ticket(customer)
    assert not person_took_over(ticket=ticket)
    message_post(ticket=ticket, author_kind=Message.AuthorKind.AGENT, author_agent=agent, body_text="On it.")
    assert person_took_over(ticket=ticket)
    assert channel_policy(ticket=ticket) == DRAFT


@pytest.mark.parametrize(
    ("decision", "took_over"), [("handed_off", True), ("blocked", True), ("answered", False)]
)
def test_an_ai_handoff_or_block_counts_as_taken_over(customer, decision, took_over):
    ticket = _ticket(customer)
    AIInteraction.objects.create(kind="answer", decision=decision, ticket=ticket,
                                 message=ticket.messages.get(seq=1))  # fmt: skip
    assert person_took_over(ticket=ticket) is took_over


def test_customer_message_get_and_inbound_handled(customer, agent):
    ticket = _ticket(customer)
    first = ticket.messages.get(seq=1)
    note = message_post(
        ticket=ticket, author_kind=Message.AuthorKind.AGENT, author_agent=agent, body_text="x"
    )

    assert customer_message_get(ticket_id=ticket.pk, message_id=first.pk) == first
    assert customer_message_get(ticket_id=ticket.pk, message_id=note.pk) is None
    assert customer_message_get(ticket_id=ticket.pk + 1, message_id=first.pk) is None
    assert not inbound_handled(message=first)
    AIInteraction.objects.create(kind="answer", decision="answered", ticket=ticket, message=first)
    assert inbound_handled(message=first)
