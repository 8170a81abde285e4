"""Appending messages to a thread: the small helper under the front door and the back door.

`message_post` appends one message (counters, search vector, attachments, the first-response clock)
and decides nothing else: no reopening, no follow-up tickets, no hooks, no delivery. Those decisions
live in `conversation.conversation_receive` (customer words), `delivery.reply_send` (public replies)
and `note_add` below (internal notes).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models.expressions import RawSQL
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from core.errors import ApplicationError
from core.hooks import run_hooks
from core.sanitize import html_to_text, sanitize_html, text_to_html
from helpdesk.events import broadcast_ticket_changed
from helpdesk.models import Agent, Customer, Message, RawInput, Ticket
from helpdesk.services.attachments import attachment_add
from helpdesk.services.audit import event_record
from helpdesk.services.sla import sla_refresh

AuthorKind = Message.AuthorKind


def counts_as_first_response(*, author_kind: str, is_internal: bool, is_notice: bool = False) -> bool:
    """The first-response rule. A public reply written for the customer by an agent, or the AI's
    answer, stops the first-reply clock. A notice (the AI's "a person will reply" handoff message,
    any system message), an internal note and a customer message do not: the customer still waits
    for a real answer."""
    if is_internal or is_notice:
        return False
    return author_kind in (AuthorKind.AGENT, AuthorKind.AI)


@transaction.atomic
def message_post(*, ticket: Ticket, **fields) -> Message:
    """Append one message (the fields of `message_append`). HTML is sanitised; plain text is escaped.
    Locks and reads the ticket itself, in a savepoint of its own."""
    return message_append(ticket=ticket_lock(ticket.pk), **fields)


def ticket_lock(ticket_id: int) -> Ticket:
    """The ticket's row, locked until the transaction ends (the search vector, which only grows, is
    left unread: it loads on access). Every message takes it: in plain SQL (building the ORM's query
    cost several times running it), as Ticket.objects.select_for_update().defer("search_vector")
    .get(pk=ticket_id) loads it: the same deferred instance, the same errors."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    sql, names, converters = _ticket_lock_plan()
    with connection.cursor() as cursor:
        cursor.execute(sql, [ticket_id])
        row = cursor.fetchone()
    if row is None:
        raise Ticket.DoesNotExist(f"{Ticket._meta.object_name} matching query does not exist.")
    values = list(row)
    for index, expression, field_converters in converters:  # none for Ticket's fields today
        for converter in field_converters:
            values[index] = converter(values[index], expression, connection)
    return Ticket.from_db(DEFAULT_DB_ALIAS, names, values)


@functools.cache
def _ticket_lock_plan() -> tuple[str, list[str], list[tuple]]:
    """`ticket_lock`'s statement (column and table names from the model; the value is bound), the
    fields it loads and the converters the ORM would apply to them."""
    fields = [field for field in Ticket._meta.concrete_fields if field.attname != "search_vector"]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = f"SELECT {columns} FROM {connection.ops.quote_name(Ticket._meta.db_table)} WHERE id = %s FOR UPDATE"  # noqa: S608
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(Ticket._meta.db_table)
        found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        if found:
            converters.append((index, expression, found))
    return sql, [field.attname for field in fields], converters


def message_append(
    *,
    ticket: Ticket,
    author_kind: str,
    body_html: str = "",
    body_text: str = "",
    author_agent: Agent | None = None,
    author_customer: Customer | None = None,
    is_internal: bool = False,
    is_notice: bool = False,
    raw: str = "",
    raw_input: RawInput | None = None,
    citations: list | None = None,
    ai_mode: str = "",
    email_message_id: str = "",
    email_in_reply_to: str = "",
    attachments: Iterable = (),
    delivery_channel: str = "",
    delivery_status: str = "",
    client_id: str = "",
) -> Message:
    """`message_post` for a caller inside its own transaction that holds `ticket` fresh and locked
    (`ticket_lock`, or a ticket it created in that transaction): no savepoint, no second read. The
    ticket's counters are updated in place, so `message.ticket` is the ticket as it now is."""
    if author_kind not in AuthorKind.values:
        raise ApplicationError(f"Unknown author kind: {author_kind}")
    if is_internal and author_kind == AuthorKind.CUSTOMER:
        raise ApplicationError("Customers cannot write internal notes.")
    attachments = list(attachments)
    safe_html = sanitize_html(body_html) if body_html else text_to_html(body_text)
    text = html_to_text(safe_html) if body_html else body_text.strip()
    if not text and not attachments and not raw:
        raise ApplicationError("A message needs some text.")

    now = timezone.now()
    seq = ticket.message_count + 1
    message = Message.objects.create(
        ticket=ticket,
        seq=seq,
        author_kind=author_kind,
        author_agent=author_agent,
        author_customer=author_customer if author_kind == AuthorKind.CUSTOMER else None,
        body_html=safe_html,
        body_text=text,
        raw=raw,
        raw_input=raw_input,
        is_internal=is_internal,
        citations=citations or [],
        ai_mode=ai_mode,
        email_message_id=email_message_id[:300],
        email_in_reply_to=email_in_reply_to[:300],
        delivery_channel=delivery_channel[:10],
        delivery_status=delivery_status,
        client_id=client_id[:64],
    )
    message.has_files = bool(attachments)  # read by chat's message payload: no query for the files
    for uploaded in attachments:
        attachment_add(ticket=ticket, message=message, uploaded=uploaded)

    updates = {"message_count": seq, "last_message_at": now, "updated_at": now}
    first_response = ticket.first_response_at is None and counts_as_first_response(
        author_kind=author_kind, is_internal=is_internal, is_notice=is_notice
    )
    if first_response:
        updates["first_response_at"] = now
    Ticket.objects.filter(pk=ticket.pk).update(**updates, search_vector=_append_to_search_vector(text))
    for field, value in updates.items():  # the row is locked: these are now its values
        setattr(ticket, field, value)
    ticket.__dict__.pop("search_vector", None)  # stale now: deferred, read again on access
    message.ticket = ticket
    if first_response:
        sla_refresh(ticket=ticket)
    return message


@transaction.atomic
def note_add(
    *,
    ticket: Ticket,
    body_text: str = "",
    body_html: str = "",
    author_agent: Agent | None = None,
    author_kind: str = AuthorKind.AGENT,
    attachments: Iterable = (),
) -> Message:
    """An internal note (an agent's, or the AI's handoff summary). Never delivered to the customer,
    never a first response. Audited; an agent's note runs the "agent_message_posted" hook."""
    if author_kind not in (AuthorKind.AGENT, AuthorKind.AI, AuthorKind.SYSTEM):
        raise ApplicationError(
            f"Internal notes are written by agents, the AI or the system, not {author_kind}."
        )
    message = message_post(
        ticket=ticket, author_kind=author_kind, author_agent=author_agent, is_internal=True,
        body_text=body_text, body_html=body_html, attachments=attachments,
    )  # fmt: skip
    ticket = message.ticket
    event_record(ticket=ticket, actor=author_agent, field="internal_note", before="", after=f"#{message.seq}")
    broadcast_ticket_changed(
        ticket=ticket, kind="message", extra={"message_id": message.id, "seq": message.seq}
    )
    if author_kind == AuthorKind.AGENT:
        run_hooks("agent_message_posted", ticket=ticket, message=message)
    return message


def _append_to_search_vector(text: str) -> RawSQL:
    return RawSQL(
        "coalesce(search_vector, ''::tsvector) || setweight(to_tsvector('simple', %s), 'B')", [text[:200_000]]
    )
