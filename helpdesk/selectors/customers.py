"""Customer reads for the desk: the customer page (profile, tickets, chats) and the customer search."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from helpdesk.models import Customer, Ticket, TicketChannel
from helpdesk.selectors.access import visible_tickets

PAGE_LIMIT = 100


@dataclass
class CustomerProfile:
    customer: Customer
    tickets: list[Ticket]  # the ones the viewer may see, newest activity first (chats excluded)
    chats: list[Ticket]  # chat conversations (a chat is a ticket with channel "chat")
    hidden_count: int  # their tickets in teams the viewer does not see
    open_count: int


def customer_profile(*, user, customer_id: int) -> CustomerProfile:
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise Http404("No such customer.")
    theirs = Ticket.objects.filter(requester=customer, merged_into__isnull=True)
    visible = (
        visible_tickets(user=user)
        .filter(requester=customer, merged_into__isnull=True)
        .select_related("team", "assignee__user")
        .order_by("-updated_at", "-id")
    )
    rows = list(visible[: PAGE_LIMIT * 2])
    return CustomerProfile(
        customer=customer,
        tickets=[t for t in rows if t.channel != TicketChannel.CHAT][:PAGE_LIMIT],
        chats=[t for t in rows if t.channel == TicketChannel.CHAT][:PAGE_LIMIT],
        hidden_count=theirs.count() - visible.count(),
        open_count=sum(1 for t in rows if t.status not in ("solved", "closed")),
    )


def customer_search(*, query: str, limit: int = 50) -> QuerySet[Customer]:
    """Customers whose name, email or organisation contains the words, most tickets first."""
    customers = Customer.objects.annotate(ticket_count=Count("tickets"))
    for word in (query or "").split()[:5]:
        customers = customers.filter(
            Q(name__icontains=word) | Q(email__icontains=word) | Q(organization__icontains=word)
        )
    return customers.order_by("-ticket_count", "email")[:limit]
