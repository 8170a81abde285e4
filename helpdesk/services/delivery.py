"""The back door: every public reply (agent, macro, AI answer, handoff or system notice) leaves here.

`reply_send` stores the message with delivery status "queued" and, after commit, enqueues the
delivery task, which hands the message to its channel's adapter. An adapter is a callable taking
the message; it raises to report a failure. `web` is built in (the message is already stored: tell
the open desk and portal pages); other channels register theirs (email sends, chat pushes) with
`delivery_adapter_register` in their AppConfig.ready(). An unknown channel falls back to `web`.

A failed delivery never loses the message: it stays "failed" with the error, and the scheduled
`delivery_retry_due` retries it with backoff, a bounded number of times. Delivering a message that
was already sent does nothing. Internal notes never come here (`messages.note_add`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from core.errors import ApplicationError
from core.hooks import run_hooks
from helpdesk.events import broadcast_ticket_changed
from helpdesk.models import Agent, DeliveryStatus, Message, Ticket, TicketStatus
from helpdesk.services.audit import event_record
from helpdesk.services.messages import message_post
from helpdesk.services.tickets import ticket_transition

logger = logging.getLogger(__name__)
AuthorKind = Message.AuthorKind
WEB = "web"
MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 60  # retry n waits 1, 2, 4, 8 ... minutes after the previous schedule
STUCK_QUEUED_AFTER = dt.timedelta(minutes=10)  # the enqueued task was lost (worker down)
REPLY_AUTHORS = (AuthorKind.AGENT, AuthorKind.AI, AuthorKind.SYSTEM)

DeliveryAdapter = Callable[[Message], None]
_adapters: dict[str, DeliveryAdapter] = {}


def delivery_adapter_register(channel: str, adapter: DeliveryAdapter) -> None:
    _adapters[channel] = adapter


def delivery_adapter_for(channel: str) -> DeliveryAdapter:
    return _adapters.get(channel) or _adapters[WEB]


def web_deliver(message: Message) -> None:
    """The web channel: the reply is stored and shown in the portal; tell the open pages."""
    broadcast_ticket_changed(
        ticket=message.ticket, kind="message", extra={"message_id": message.id, "seq": message.seq}
    )


delivery_adapter_register(WEB, web_deliver)


def delivery_channel_for(ticket: Ticket) -> str:
    """The channel a reply really leaves by: the ticket's own when an adapter is registered for it,
    otherwise the web (stored and shown in the portal), so the status never claims an email was sent
    when no email adapter exists."""
    return ticket.channel if ticket.channel in _adapters else WEB


@transaction.atomic
def reply_send(
    *,
    ticket: Ticket,
    author_kind: str,
    body_text: str = "",
    body_html: str = "",
    author_agent: Agent | None = None,
    citations: list | None = None,
    ai_mode: str = "",
    attachments: Iterable = (),
    is_notice: bool = False,
    raw: str = "",
    client_id: str = "",
) -> Message:
    """Store a public reply as queued and deliver it through the ticket's channel after commit.
    `is_notice` marks a message that tells the customer what happens next (a handoff notice)
    rather than answering them: it does not stop the first-reply clock. A system message is
    always a notice."""
    if author_kind not in REPLY_AUTHORS:
        raise ApplicationError(_("Replies are written by agents, the AI or the system."))
    if author_kind == AuthorKind.AGENT and author_agent is None:
        raise ApplicationError(_("An agent's reply needs its agent."))
    message = message_post(
        ticket=ticket, author_kind=author_kind, author_agent=author_agent, body_text=body_text,
        body_html=body_html, citations=citations, ai_mode=ai_mode, attachments=attachments, raw=raw,
        is_notice=is_notice or author_kind == AuthorKind.SYSTEM,
        delivery_channel=delivery_channel_for(ticket), delivery_status=DeliveryStatus.QUEUED,
        client_id=client_id,
    )  # fmt: skip
    ticket = message.ticket
    if author_kind == AuthorKind.AGENT and ticket.status == TicketStatus.NEW:
        ticket = ticket_transition(ticket=ticket, to_status=TicketStatus.OPEN, actor=author_agent)
        message.ticket = ticket
    message_id = message.pk
    transaction.on_commit(
        lambda: async_task("helpdesk.tasks.message_deliver", message_id, task_name=f"deliver-{message_id}")
    )
    if author_kind == AuthorKind.AGENT:
        run_hooks("agent_message_posted", ticket=ticket, message=message)
    return message


@transaction.atomic
def message_deliver(*, message_id: int) -> str:
    """Hand one queued or failed reply to its channel's adapter; returns the resulting status.
    Idempotent: a sent message, a note or a customer message is left alone. A message locked by
    another worker is skipped, so two workers never deliver it twice at once."""
    message = (
        Message.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("ticket")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return ""
    if message.delivery_status not in (DeliveryStatus.QUEUED, DeliveryStatus.FAILED):
        return message.delivery_status
    adapter = delivery_adapter_for(message.delivery_channel)
    message.delivery_attempts += 1
    try:
        with transaction.atomic():
            adapter(message)
    except Exception as error:  # any adapter failure is recorded, never raised: the message stays
        logger.warning(
            "delivery of message %s via %s failed: %s", message.pk, message.delivery_channel, error
        )
        message.delivery_status = DeliveryStatus.FAILED
        message.delivery_error = f"{type(error).__name__}: {error}"[:2000]
        broadcast_ticket_changed(
            ticket=message.ticket, kind="delivery", extra={"message_id": message.pk, "delivery": "failed"}
        )
    else:
        message.delivery_status = DeliveryStatus.SENT
        message.delivery_error = ""
        message.delivered_at = timezone.now()
    message.save(update_fields=["delivery_status", "delivery_attempts", "delivery_error", "delivered_at"])
    return message.delivery_status


def retry_wait(attempts: int) -> dt.timedelta:
    """How long after the message was written its next try may run: 1, 3, 7, 15 ... minutes."""
    return dt.timedelta(seconds=BACKOFF_BASE_S * (2**attempts - 1))


def messages_due_for_delivery(*, now: dt.datetime | None = None) -> list[int]:
    """Failed replies whose backoff has passed and queued ones whose task seems lost."""
    now = now or timezone.now()
    candidates = Message.objects.filter(
        Q(delivery_status=DeliveryStatus.FAILED, delivery_attempts__lt=MAX_ATTEMPTS)
        | Q(delivery_status=DeliveryStatus.QUEUED, created_at__lte=now - STUCK_QUEUED_AFTER)
    ).values_list("pk", "delivery_status", "delivery_attempts", "created_at")
    return [
        pk
        for pk, status, attempts, created_at in candidates.order_by("pk")
        if status == DeliveryStatus.QUEUED or created_at + retry_wait(attempts) <= now
    ]


def delivery_retry_due(*, now: dt.datetime | None = None) -> dict[int, str]:
    """Run by the scheduled task: try every due message once more. Idempotent."""
    return {
        message_id: message_deliver(message_id=message_id)
        for message_id in messages_due_for_delivery(now=now)
    }


@transaction.atomic
def delivery_retry(*, ticket: Ticket, message_id: int, actor=None) -> str:
    """The desk's "Retry" button: deliver a failed reply of this ticket now, whatever the backoff
    says (also after the scheduled retries gave up). Audited."""
    message = Message.objects.select_for_update().filter(pk=message_id, ticket_id=ticket.pk).first()
    if message is None or message.delivery_status != DeliveryStatus.FAILED:
        raise ApplicationError(_("Only a failed delivery can be retried."))
    result = message_deliver(message_id=message.pk)
    event_record(
        ticket=ticket, actor=actor, field="delivery_retry", before=f"#{message.seq} failed",
        after=f"#{message.seq} {result}",
    )  # fmt: skip
    return result
