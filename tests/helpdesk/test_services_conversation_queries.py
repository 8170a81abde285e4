"""The front door's cost for a reply in an existing thread (every chat message but the first): the
ticket is read once, locked, and never with its search vector; nothing grows with the thread."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Message, RawInput, Ticket
from helpdesk.services.conversation import conversation_receive

pytestmark = pytest.mark.django_db


def _thread(customer, replies: int) -> Ticket:
    ticket = conversation_receive(channel="chat", sender=customer, subject="Hi", body_text="Hello").ticket
    for n in range(replies):
        conversation_receive(channel="chat", sender=customer, body_text=f"more {n}", thread_hint=ticket)
    return Ticket.objects.get(pk=ticket.pk)


def _reply(customer, ticket: Ticket, client_id: str) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        received = conversation_receive(
            channel="chat",
            sender=customer,
            body_text="And one more thing",
            thread_hint=ticket,
            client_id=client_id,
        )
    return [q["sql"] for q in captured.captured_queries], received


def _core(queries: list[str]) -> list[str]:
    """The front door's own statements: the tickets, messages and raw inputs it reads and writes."""
    tables = ('"helpdesk_ticket"', '"helpdesk_message"', '"helpdesk_rawinput"')
    return [
        q for q in queries if any(f"FROM {t}" in q or f"INTO {t}" in q or f"UPDATE {t}" in q for t in tables)
    ]


def test_a_reply_reads_the_ticket_once_locked_and_without_its_search_vector(customer):
    ticket = _thread(customer, replies=2)
    queries, received = _reply(customer, ticket, "c-1")
    assert received.outcome == "replied" and received.message.seq == 4
    ticket_reads = [q for q in queries if q.startswith("SELECT") and 'FROM "helpdesk_ticket"' in q]
    assert len(ticket_reads) == 1 and ticket_reads[0].endswith("FOR UPDATE")
    assert not any('"helpdesk_ticket"."search_vector"' in q for q in queries if q.startswith("SELECT"))
    # the front door's own transaction (a savepoint inside the test's) and no nested one
    assert sum(q.startswith("SAVEPOINT") for q in queries) == 1
    # the duplicate check, the raw input, the message, the ticket's counters, the raw input's outcome
    assert len(_core(queries)) == 6
    ticket.refresh_from_db()
    assert ticket.message_count == 4 and received.ticket.message_count == 4
    assert received.ticket.last_message_at == ticket.last_message_at
    assert Ticket.objects.filter(pk=ticket.pk, search_vector="thing").exists()  # the words are searchable


def test_a_reply_costs_the_same_in_a_short_and_a_long_thread(customer):
    short, long = _thread(customer, replies=1), _thread(customer, replies=12)
    assert len(_reply(customer, short, "s-1")[0]) == len(_reply(customer, long, "l-1")[0])


def test_a_resend_reads_and_stores_nothing_more(customer):
    ticket = _thread(customer, replies=1)
    _reply(customer, ticket, "same")
    raw_inputs = RawInput.objects.count()
    queries, received = _reply(customer, ticket, "same")
    assert received.outcome == "duplicate"
    assert not any(q.startswith(("INSERT", "UPDATE")) for q in queries)
    assert RawInput.objects.count() == raw_inputs
    assert Message.objects.filter(ticket=ticket, client_id="same").count() == 1


def test_a_resend_into_a_thread_merged_meanwhile_is_still_found(customer):
    """The caller's ticket may be stale (merged a moment ago): the thread's unique client id catches
    the resend in the ticket it was merged into."""
    first, second = _thread(customer, replies=0), _thread(customer, replies=0)
    sent = conversation_receive(
        channel="chat", sender=customer, body_text="x", thread_hint=second, client_id="m"
    )
    stale = Ticket.objects.get(pk=first.pk)
    Ticket.objects.filter(pk=first.pk).update(merged_into=second, status="closed")
    again = conversation_receive(
        channel="chat", sender=customer, body_text="x", thread_hint=stale, client_id="m"
    )
    assert (
        again.outcome == "duplicate" and again.message.pk == sent.message.pk and again.ticket.pk == second.pk
    )
    assert Message.objects.filter(client_id="m").count() == 1
