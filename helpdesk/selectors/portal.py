"""Portal reads: a customer sees only their own tickets and only public messages."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from helpdesk.models import Attachment, Customer, Message, Ticket, Topic

SESSION_KEY = "portal_customer_id"


def portal_customer(request) -> Customer | None:
    customer_id = request.session.get(SESSION_KEY)
    if customer_id:
        return Customer.objects.filter(pk=customer_id).first()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Customer.objects.filter(user=user).first()
    return None


def portal_tickets(customer: Customer) -> QuerySet[Ticket]:
    return Ticket.objects.filter(requester=customer, merged_into__isnull=True).order_by("-updated_at", "-id")


def portal_ticket(customer: Customer, number) -> Ticket:
    """404 for anything that is not this customer's ticket (no difference between missing and foreign)."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Http404
    ticket = portal_tickets(customer).filter(number=number).first()
    if ticket is None:
        raise Http404
    return ticket


def _other_customers_words(requester_id) -> Q:
    """Messages written by a customer other than the ticket's requester (never shown in the portal).

    A merge of two customers' tickets makes the moved messages internal; this is the second wall.
    """
    return Q(author_customer__isnull=False) & ~Q(author_customer_id=requester_id)


def portal_messages(ticket: Ticket) -> QuerySet[Message]:
    public_attachments = Attachment.objects.order_by("id")
    return (
        Message.objects.filter(ticket=ticket, is_internal=False)
        .exclude(_other_customers_words(ticket.requester_id))
        .select_related("author_agent__user", "author_customer", "customer_feedback")
        .prefetch_related(Prefetch("attachments", queryset=public_attachments))
        .order_by("seq")
    )


def portal_attachment(customer: Customer, attachment_id) -> Attachment:
    """Only attachments of the customer's tickets that hang on a public message (or on no message)."""
    try:
        attachment_id = int(attachment_id)
    except (TypeError, ValueError):
        raise Http404
    attachment = (
        Attachment.objects.filter(pk=attachment_id, ticket__requester=customer)
        .exclude(message__is_internal=True)
        .exclude(message__in=Message.objects.filter(_other_customers_words(customer.pk)))
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def portal_topics() -> list[str]:
    """Names of the active topics a customer may pick on the form."""
    return list(Topic.objects.filter(is_active=True).order_by("name").values_list("name", flat=True))
