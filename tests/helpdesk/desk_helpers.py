"""Builders shared by the desk view tests (data through the real services)."""

from __future__ import annotations

from helpdesk.services.tickets import ticket_create, ticket_update


def make_tickets(count: int, *, requester, team, assignee=None, tags=("billing",), subject="Order problem"):
    tickets = []
    for index in range(count):
        ticket = ticket_create(
            requester=requester,
            subject=f"{subject} {index}",
            body_text=f"Message body number {index}",
            team=team,
            tags=tags,
        )
        if assignee is not None:
            ticket = ticket_update(ticket=ticket, assignee=assignee)
        tickets.append(ticket)
    return tickets
