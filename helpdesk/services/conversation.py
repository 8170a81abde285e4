"""The front door: the only way a customer's words enter the helpdesk.

Every channel (portal form and reply, REST API, email, chat) calls `conversation_receive`. It stores
what arrived first, in its own committed row (`RawInput`), so nothing is lost when processing fails:
the row is then quarantined with the error. Then it decides, once, what the words are: a new ticket,
a reply, a reply that reopens the ticket, or a follow-up of a closed ticket (a new ticket linked to
it). It fires the hooks exactly once: "ticket_created" for a new ticket and "customer_message_posted"
for every customer message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.hooks import run_hooks
from helpdesk.events import broadcast_ticket_changed
from helpdesk.models import Agent, Customer, Message, RawInput, Team, Ticket, TicketPriority, TicketStatus
from helpdesk.services.messages import message_append, ticket_lock
from helpdesk.services.tickets import ticket_create, ticket_transition

REOPENING_STATUSES = frozenset({TicketStatus.PENDING, TicketStatus.SOLVED, TicketStatus.ON_HOLD})
MAX_MERGE_HOPS = 10


class Outcome:
    CREATED = "created"
    REPLIED = "replied"
    REOPENED = "reopened"
    FOLLOW_UP = "follow_up"
    DUPLICATE = "duplicate"  # a resend (same client_id) of a message already received


@dataclass(frozen=True)
class Received:
    """What the front door made of one inbound item."""

    ticket: Ticket
    message: Message
    outcome: str
    raw_input: RawInput


def raw_input_store(*, channel: str, sender: str = "", payload: str | bytes = "") -> RawInput:
    """Keep exactly what arrived, committed on its own (text inline, bytes hash-named in storage)."""
    data = payload.encode() if isinstance(payload, str) else payload
    digest = hashlib.sha256(data).hexdigest()
    raw = RawInput(channel=channel[:10], sender=sender[:320], sha256=digest, size=len(data))
    if isinstance(payload, bytes):
        with transaction.atomic():
            raw.file.save(digest, ContentFile(payload), save=False)
            raw.save()
    else:  # one INSERT, committed on its own (autocommit)
        raw.payload = payload
        raw.save()
    return raw


def raw_input_quarantine(*, raw_input: RawInput, error: str) -> None:
    RawInput.objects.filter(pk=raw_input.pk).update(status=RawInput.Status.QUARANTINED, error=error[:10_000])


def conversation_receive(
    *,
    channel: str,
    sender: Customer,
    subject: str = "",
    body_text: str = "",
    body_html: str = "",
    raw_payload: str | bytes | None = None,
    raw_input: RawInput | None = None,
    thread_hint: Ticket | None = None,
    attachments: Iterable = (),
    email_message_id: str = "",
    email_in_reply_to: str = "",
    actor=None,
    actor_label: str = "",
    priority: str = TicketPriority.NORMAL,
    team: Team | None = None,
    assignee: Agent | None = None,
    tags: Iterable[str] = (),
    language: str = "",
    client_id: str = "",
) -> Received:
    """Receive a customer's words. `thread_hint` is the ticket they answer (None: a new request).
    `raw_payload` is what arrived (bytes for email); a channel that stored it already passes
    `raw_input`. Priority, team, assignee, tags and language apply to a new ticket only.

    Not atomic on purpose: the raw input must be committed before processing starts. Callers must
    not wrap this in a transaction of their own, or a failure would roll the raw input back too.

    `client_id` is the sender's own id for the message (chat): a resend with the same id in the same
    thread returns the message already stored (outcome DUPLICATE), stores nothing and fires no hook."""
    if client_id and thread_hint is not None:
        duplicate = _duplicate_of(thread_hint=thread_hint, client_id=client_id, hint_is_fresh=True)
        if duplicate is not None:
            return duplicate
    if raw_input is None:
        if raw_payload is None:
            raw_payload = (
                f"Subject: {subject}\n\n{body_html or body_text}" if subject else body_html or body_text
            )
        raw_input = raw_input_store(channel=channel, sender=sender.email, payload=raw_payload)
    try:
        with transaction.atomic():
            received = _receive(
                channel=channel, sender=sender, subject=subject, body_text=body_text, body_html=body_html,
                raw_input=raw_input, thread_hint=thread_hint, attachments=list(attachments),
                email_message_id=email_message_id, email_in_reply_to=email_in_reply_to, actor=actor,
                actor_label=actor_label, priority=priority, team=team, assignee=assignee, tags=tags,
                language=language, client_id=client_id,
            )  # fmt: skip
    except IntegrityError:
        duplicate = _duplicate_of(thread_hint=thread_hint, client_id=client_id) if client_id else None
        if duplicate is None or thread_hint is None:
            raise
        RawInput.objects.filter(pk=raw_input.pk).update(status=RawInput.Status.DISCARDED, error="duplicate")
        return duplicate
    except Exception as error:
        raw_input_quarantine(raw_input=raw_input, error=f"{type(error).__name__}: {error}")
        raise
    return received


def _receive(*, sender: Customer, raw_input: RawInput, thread_hint: Ticket | None, **values) -> Received:
    if thread_hint is not None and thread_hint.requester_id != sender.pk:
        raise ApplicationError(_("This is not your ticket."))
    ticket = _surviving_ticket(thread_hint, lock=True) if thread_hint is not None else None

    if ticket is None:
        outcome = Outcome.CREATED
        ticket = ticket_create(
            requester=sender, subject=values["subject"], channel=values["channel"], priority=values["priority"],
            team=values["team"], assignee=values["assignee"], tags=values["tags"], language=values["language"],
            actor=values["actor"], actor_label=values["actor_label"],
        )  # fmt: skip
    elif ticket.status == TicketStatus.CLOSED:
        outcome = Outcome.FOLLOW_UP
        ticket = ticket_create(
            requester=sender, subject=ticket.subject, channel=ticket.channel, team=ticket.team,
            priority=ticket.priority, follow_up_of=ticket, language=ticket.language,
        )  # fmt: skip
    else:
        outcome = Outcome.REOPENED if ticket.status in REOPENING_STATUSES else Outcome.REPLIED

    text_payload = raw_input.payload if not raw_input.file else ""
    # The ticket is locked (an existing thread) or was created in this transaction: append in place.
    message = message_append(
        ticket=ticket, author_kind=Message.AuthorKind.CUSTOMER, author_customer=sender,
        body_text=values["body_text"], body_html=values["body_html"], raw=text_payload, raw_input=raw_input,
        attachments=values["attachments"], email_message_id=values["email_message_id"],
        email_in_reply_to=values["email_in_reply_to"], client_id=values["client_id"],
    )  # fmt: skip
    ticket = message.ticket
    if outcome == Outcome.REOPENED:
        ticket = ticket_transition(ticket=ticket, to_status=TicketStatus.OPEN, actor_label="customer")
    elif outcome == Outcome.REPLIED:  # a new ticket was announced by ticket_create
        broadcast_ticket_changed(
            ticket=ticket, kind="message", extra={"message_id": message.id, "seq": message.seq}
        )

    RawInput.objects.filter(pk=raw_input.pk).update(
        status=RawInput.Status.PROCESSED, ticket=ticket, processed_at=timezone.now(), error=""
    )
    run_hooks("customer_message_posted", ticket=ticket, message=message)
    if outcome in (Outcome.CREATED, Outcome.FOLLOW_UP):
        run_hooks("ticket_created", ticket=ticket)
    return Received(ticket=ticket, message=message, outcome=outcome, raw_input=raw_input)


def _duplicate_of(*, thread_hint: Ticket, client_id: str, hint_is_fresh: bool = False) -> Received | None:
    """The message a resend repeats: same client id, in the thread or the ticket it was merged into.
    `hint_is_fresh`: the caller just read `thread_hint`, so an unmerged hint is searched without reading
    the ticket again (were it merged since, the thread's unique client id still catches the resend:
    the front door then asks again, reading the tickets)."""
    if hint_is_fresh and not thread_hint.merged_into_id:
        ticket_ids = {thread_hint.pk}
    else:
        ticket_ids = {thread_hint.pk, _surviving_ticket(thread_hint).pk}
    found = list(  # unordered (no join for the default order): at most one per ticket anyway
        Message.objects.filter(ticket_id__in=ticket_ids, client_id=client_id[:64])
        .order_by()
        .values_list("pk", flat=True)[:1]
    )
    if not found:  # the usual case: one small read
        return None
    message = Message.objects.select_related("raw_input").get(pk=found[0])
    ticket = _surviving_ticket(thread_hint)
    return Received(ticket=ticket, message=message, outcome=Outcome.DUPLICATE, raw_input=message.raw_input)


def _surviving_ticket(ticket: Ticket, *, lock: bool = False) -> Ticket:
    """A reply to a merged ticket goes to the ticket it was merged into. `lock`: the tickets read are
    locked until the transaction ends (a message is appended to the last one)."""
    read = ticket_lock if lock else (lambda pk: Ticket.objects.defer("search_vector").get(pk=pk))
    ticket = read(ticket.pk)
    for _hop in range(MAX_MERGE_HOPS):
        if not ticket.merged_into_id:
            break
        ticket = read(ticket.merged_into_id)
    return ticket
