"""Turn ticketing hooks into webhook events (registered in HelpdeskConfig.ready)."""

from core import hooks
from helpdesk.services.webhooks import ticket_payload, webhooks_emit, webhooks_known_none


def _ticket_created(ticket):
    webhooks_emit(event="ticket.created", data={"ticket": ticket_payload(ticket)})


def _ticket_updated(ticket, changed):
    if webhooks_known_none():  # the usual case: nothing to send, so no need to read the ticket again
        return
    ticket.refresh_from_db()
    webhooks_emit(event="ticket.updated", data={"ticket": ticket_payload(ticket), "changed": sorted(changed)})


def _ticket_solved(ticket):
    webhooks_emit(event="ticket.solved", data={"ticket": ticket_payload(ticket)})


def _message_created(ticket, message):
    data = {
        "ticket": ticket_payload(ticket),
        "message": {
            "id": message.id, "seq": message.seq, "author_kind": message.author_kind,
            "is_internal": message.is_internal, "body_text": message.body_text,
        },
    }  # fmt: skip
    webhooks_emit(event="message.created", data=data)


def register() -> None:
    hooks.register("ticket_created", _ticket_created)
    hooks.register("ticket_updated", _ticket_updated)
    hooks.register("ticket_solved", _ticket_solved)
    hooks.register("customer_message_posted", _message_created)
    hooks.register("agent_message_posted", _message_created)
