"""Cc's of a ticket: extra recipients of agent replies (automatic mail goes to the requester only)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from core.errors import ApplicationError
from emailchannel.models import TicketCc
from emailchannel.selectors import mailbox_addresses
from helpdesk.models import Ticket
from helpdesk.services.audit import event_record


@transaction.atomic
def ticket_cc_add(*, ticket: Ticket, address: str, actor=None) -> TicketCc:
    address = (address or "").strip().lower()
    try:
        validate_email(address)  # also refuses CR/LF, so no header can be smuggled in
    except ValidationError:
        raise ApplicationError("That is not a valid email address.", {"address": address[:100]}) from None
    if address in mailbox_addresses() or address == ticket.requester.email.lower():
        raise ApplicationError("The requester and our own mailboxes are never cc'd.")
    cc, created = TicketCc.objects.get_or_create(ticket=ticket, address=address)
    if created:
        event_record(ticket=ticket, actor=actor, field="email_cc", before="", after=address)
    return cc


@transaction.atomic
def ticket_cc_remove(*, ticket: Ticket, address: str, actor=None) -> None:
    deleted, _rows = TicketCc.objects.filter(ticket=ticket, address=address.strip().lower()).delete()
    if deleted:
        event_record(ticket=ticket, actor=actor, field="email_cc", before=address, after="")
