"""Posting messages: the one way any text enters a ticket thread."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.errors import ApplicationError
from core.hooks import run_hooks
from core.sanitize import html_to_text, sanitize_html, text_to_html
from helpdesk.events import broadcast_ticket_changed
from helpdesk.models import Agent, Customer, Message, Ticket, TicketStatus
from helpdesk.services.audit import event_record
from helpdesk.services.sla import sla_refresh

REOPENING_STATUSES = {TicketStatus.PENDING, TicketStatus.SOLVED, TicketStatus.ON_HOLD}


@transaction.atomic
def message_post(
    *,
    ticket: Ticket,
    author_kind: str,
    body_html: str = "",
    body_text: str = "",
    author_agent: Agent | None = None,
    author_customer: Customer | None = None,
    is_internal: bool = False,
    raw: str = "",
    citations: list | None = None,
    ai_mode: str = "",
    email_message_id: str = "",
    email_in_reply_to: str = "",
    attachments: Iterable = (),
    broadcast_kind: str = "message",
) -> Message:
    """Append a message. HTML is sanitised; plain text is escaped. A customer writing to a closed
    ticket gets a new follow-up ticket; a customer reply reopens a pending or solved ticket."""
    from helpdesk.services.attachments import attachment_add
    from helpdesk.services.tickets import ticket_create, ticket_transition

    if author_kind not in Message.AuthorKind.values:
        raise ApplicationError(f"Unknown author kind: {author_kind}")
    if is_internal and author_kind == Message.AuthorKind.CUSTOMER:
        raise ApplicationError("Customers cannot write internal notes.")
    safe_html = sanitize_html(body_html) if body_html else text_to_html(body_text)
    text = html_to_text(safe_html) if body_html else body_text.strip()
    if not text and not attachments and not raw:
        raise ApplicationError("A message needs some text.")

    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == TicketStatus.CLOSED and author_kind == Message.AuthorKind.CUSTOMER:
        follow_up = ticket_create(
            requester=author_customer or ticket.requester,
            subject=ticket.subject,
            channel=ticket.channel,
            team=ticket.team,
            priority=ticket.priority,
            follow_up_of=ticket,
            language=ticket.language,
        )
        return message_post(
            ticket=follow_up, author_kind=author_kind, body_html=body_html, body_text=body_text,
            author_customer=author_customer, raw=raw, email_message_id=email_message_id,
            email_in_reply_to=email_in_reply_to, attachments=attachments,
        )  # fmt: skip

    now = timezone.now()
    seq = ticket.message_count + 1
    message = Message.objects.create(
        ticket=ticket,
        seq=seq,
        author_kind=author_kind,
        author_agent=author_agent,
        author_customer=author_customer if author_kind == Message.AuthorKind.CUSTOMER else None,
        body_html=safe_html,
        body_text=text,
        raw=raw,
        is_internal=is_internal,
        citations=citations or [],
        ai_mode=ai_mode,
        email_message_id=email_message_id[:300],
        email_in_reply_to=email_in_reply_to[:300],
    )
    for uploaded in attachments:
        attachment_add(ticket=ticket, message=message, uploaded=uploaded)

    updates = {"message_count": seq, "last_message_at": now, "updated_at": now}
    public_reply = author_kind in (Message.AuthorKind.AGENT, Message.AuthorKind.AI) and not is_internal
    first_response = public_reply and ticket.first_response_at is None
    if first_response:
        updates["first_response_at"] = now
    Ticket.objects.filter(pk=ticket.pk).update(**updates, search_vector=_append_to_search_vector(text))
    ticket.refresh_from_db()
    if first_response:
        sla_refresh(ticket=ticket)

    if author_kind == Message.AuthorKind.CUSTOMER and ticket.status in REOPENING_STATUSES:
        ticket = ticket_transition(ticket=ticket, to_status=TicketStatus.OPEN, actor_label="customer")
    elif author_kind == Message.AuthorKind.AGENT and public_reply and ticket.status == TicketStatus.NEW:
        ticket = ticket_transition(ticket=ticket, to_status=TicketStatus.OPEN, actor=author_agent)
    if is_internal:
        event_record(ticket=ticket, actor=author_agent, field="internal_note", before="", after=f"#{seq}")

    broadcast_ticket_changed(ticket=ticket, kind=broadcast_kind, extra={"message_id": message.id, "seq": seq})
    hook = {
        Message.AuthorKind.CUSTOMER: "customer_message_posted",
        Message.AuthorKind.AGENT: "agent_message_posted",
    }.get(author_kind)
    if hook:
        run_hooks(hook, ticket=ticket, message=message)
    if broadcast_kind == "ticket_created":
        run_hooks("ticket_created", ticket=ticket)
    return message


def _append_to_search_vector(text: str) -> RawSQL:
    return RawSQL(
        "coalesce(search_vector, ''::tsvector) || setweight(to_tsvector('simple', %s), 'B')", [text[:200_000]]
    )
