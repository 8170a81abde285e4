"""A customer's "Was this helpful?" on an AI answer shown in the portal."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from helpdesk.models import Customer, Message, ReplyFeedback, Ticket
from helpdesk.services.messages import note_add


@transaction.atomic
def reply_feedback_record(*, customer: Customer, ticket: Ticket, seq: int, helpful: bool) -> ReplyFeedback:
    """Store (or change) the customer's verdict on a public AI answer of their own ticket. The first
    "no" leaves the agents an internal note, so an unhelpful answer does not go unnoticed."""
    if ticket.requester_id != customer.pk:
        raise ApplicationError(_("This is not your request."))
    message = Message.objects.filter(
        ticket=ticket, seq=seq, is_internal=False, author_kind=Message.AuthorKind.AI
    ).first()
    if message is None:
        raise ApplicationError(_("There is no such answer on this request."))
    previous = ReplyFeedback.objects.filter(message=message).first()
    feedback, _created = ReplyFeedback.objects.update_or_create(
        message=message, defaults={"helpful": helpful}
    )
    if not helpful and (previous is None or previous.helpful):
        note_add(
            ticket=ticket,
            author_kind=Message.AuthorKind.SYSTEM,
            body_text=_("The customer said the AI answer #%(seq)s did not help.") % {"seq": seq},
        )
    return feedback
