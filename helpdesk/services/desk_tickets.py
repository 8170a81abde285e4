"""Tickets an agent opens in the desk for a customer (a phone call, an email received elsewhere)."""

from __future__ import annotations

from helpdesk.models import Agent, Team, Ticket, TicketChannel, TicketPriority
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.customers import customer_get_or_create

AGENT_CHANNELS = (TicketChannel.PHONE, TicketChannel.EMAIL)


def agent_ticket_open(
    *,
    agent: Agent,
    email: str,
    name: str = "",
    subject: str,
    body_text: str,
    channel: str = TicketChannel.PHONE,
    priority: str = TicketPriority.NORMAL,
    team: Team | None = None,
    assign_to_me: bool = True,
) -> Ticket:
    """Open a ticket on the customer's behalf. It enters through the front door like any customer
    message (raw input kept, hooks run: triage, routing, AI), recorded as the customer's words on the
    channel they used, with the agent as the actor in the audit trail.

    Not atomic on purpose, like conversation_receive (its raw input is committed first)."""
    customer = customer_get_or_create(email=email, name=name)
    received = conversation_receive(
        channel=channel if channel in AGENT_CHANNELS else TicketChannel.PHONE,
        sender=customer,
        subject=subject,
        body_text=body_text,
        actor=agent.user,
        priority=priority,
        team=team,
        assignee=agent if assign_to_me else None,
    )
    return received.ticket
