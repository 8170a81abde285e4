"""Triage tasks: run on every new ticket and on a reopening customer message; retrain the model.
Each takes ids, calls one service, and is idempotent."""

from __future__ import annotations

import logging

from django_q.tasks import async_task

from ai.selectors.triage import message_reopened_ticket, training_due
from ai.services.triage import ticket_triage_run, triage_model_train
from helpdesk.models import Message, Ticket

logger = logging.getLogger(__name__)


def triage_ticket(ticket_id: int, message_id: int | None = None) -> int | None:
    """Triage one ticket (idempotent: an already-triaged message changes nothing)."""
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return None
    message = Message.objects.filter(pk=message_id, ticket=ticket).first() if message_id else None
    triage = ticket_triage_run(ticket=ticket, message=message)
    return triage.pk if triage else None


def triage_model_train_task() -> int | None:
    if not training_due():
        return None
    model = triage_model_train()
    return model.version if model else None


# --- hooks (registered in AiConfig.ready) ----------------------------------------------------------
def _enqueue(ticket_id: int, message_id: int | None) -> None:
    async_task("ai.tasks.triage.triage_ticket", ticket_id, message_id, task_name=f"triage-{ticket_id}")


def on_ticket_created(*, ticket: Ticket, **_kwargs) -> None:
    _enqueue(ticket.pk, None)


def on_customer_message_posted(*, ticket: Ticket, message: Message, **_kwargs) -> None:
    """A customer message that reopened the ticket may be about something new: triage it again."""
    if message_reopened_ticket(ticket=ticket, message=message):
        _enqueue(ticket.pk, message.pk)  # hooks already run after commit
