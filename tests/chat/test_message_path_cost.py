"""The visitor's message path, statement by statement: a new conversation's session is attached once
(by the hook, without looking for it), and the page of messages every socket reads on a nudge is one
plain query whose payloads are those of the messages themselves."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chat.models import ChatSession
from chat.selectors.messages import message_payload, messages_after
from chat.selectors.widgets import latest_sessions, session_hint, session_state
from chat.services.sessions import chat_close, chat_message_receive, session_attach
from chat.services.visitors import visitor_identify
from helpdesk.models import Agent, Message, Ticket
from helpdesk.services.messages import message_post, ticket_lock
from tests.chat.helpers import make_widget
from tests.conftest import make_agent

pytestmark = pytest.mark.django_db(transaction=True)


def _session_statements(queries) -> tuple[list[str], list[str]]:
    updates = [q for q in queries if q.startswith('UPDATE "chat_chatsession"')]
    pending = [q for q in queries if q.startswith("SELECT") and '"chat_chatsession"."ticket_id" IS NULL' in q]
    return updates, pending


def test_a_new_conversation_is_attached_once_without_looking_for_its_session():
    widget = make_widget()
    visitor = visitor_identify(widget=widget).visitor
    with CaptureQueriesContext(connection) as captured:
        message = chat_message_receive(visitor=visitor, text="Hello there", client_id="c-1", offline=False)
    updates, pending = _session_statements([q["sql"] for q in captured.captured_queries])
    assert len(updates) == 1 and not pending
    session = ChatSession.objects.get(visitor=visitor)
    assert session.ticket_id == message.ticket_id and message.seq == 1

    follow = chat_message_receive(visitor=visitor, text="More", client_id="c-2", offline=False)
    assert follow.ticket_id == message.ticket_id and follow.seq == 2
    assert chat_message_receive(visitor=visitor, text="More", client_id="c-2").pk == follow.pk  # a resend


def test_a_conversation_after_a_closed_one_gets_its_own_session():
    widget = make_widget()
    visitor = visitor_identify(widget=widget).visitor
    first = chat_message_receive(visitor=visitor, text="One", client_id="a", offline=False)
    chat_close(session=ChatSession.objects.get(visitor=visitor))
    with CaptureQueriesContext(connection) as captured:
        second = chat_message_receive(visitor=visitor, text="Two", client_id="b", offline=False)
    updates, pending = _session_statements([q["sql"] for q in captured.captured_queries])
    assert len(updates) == 1 and not pending
    assert second.ticket_id != first.ticket_id and second.seq == 1
    sessions = list(ChatSession.objects.filter(visitor=visitor).order_by("created_at"))
    assert [s.ticket_id for s in sessions] == [first.ticket_id, second.ticket_id]


def test_the_page_of_messages_is_one_query_with_the_payloads_of_the_messages():
    widget = make_widget()
    visitor = visitor_identify(widget=widget, name="Vera").visitor
    opening = chat_message_receive(visitor=visitor, text="My order", client_id="v-1", offline=False)
    ticket = opening.ticket
    agent = make_agent("dana")
    named = make_agent("erin")
    Agent.objects.filter(pk=named.pk).update(display_name="Erin from Support")
    named.refresh_from_db()
    message_post(ticket=ticket, author_kind="agent", author_agent=agent, body_text="Looking")
    message_post(ticket=ticket, author_kind="agent", author_agent=named, body_text="Found it")
    message_post(
        ticket=ticket, author_kind="ai", ai_mode="extractive", body_text="Per our policy",
        citations=[{"title": "Returns", "url": "/help/returns/"}, {"title": "no url"}],
    )  # fmt: skip
    message_post(ticket=ticket, author_kind="agent", author_agent=agent, is_internal=True, body_text="note")
    message_post(
        ticket=ticket, author_kind="customer", author_customer=visitor.customer, body_text="receipt",
        attachments=[("receipt.txt", b"total 12.00", "text/plain")],
    )  # fmt: skip

    with CaptureQueriesContext(connection) as captured:
        public = messages_after(ticket_id=ticket.pk, seq=0)
    assert len(captured.captured_queries) == 2  # the page, then the files of the one message with files
    with CaptureQueriesContext(connection) as captured:
        assert [p["seq"] for p in messages_after(ticket_id=ticket.pk, seq=1)[:2]] == [2, 3]
    assert len(captured.captured_queries) == 2
    with CaptureQueriesContext(connection) as captured:
        assert messages_after(ticket_id=ticket.pk, seq=6) == []
    assert len(captured.captured_queries) == 1  # no message with files: no second query
    expected = [
        message_payload(m) for m in Message.objects.filter(ticket=ticket, is_internal=False).order_by("seq")
    ]
    assert public == expected
    assert [p["name"] for p in public] == ["Vera", "Dana", "Erin from Support", "Assistant", "Vera"]
    assert public[3]["citations"] == [{"title": "Returns", "url": public[3]["citations"][0]["url"]}]
    assert public[3]["citations"][0]["url"].endswith("/help/returns/") and public[3]["streamable"]
    assert public[-1]["attachments"] == [{"name": "receipt.txt", "size": len(b"total 12.00")}]

    everything = messages_after(ticket_id=ticket.pk, seq=1, include_internal=True)
    assert [p["seq"] for p in everything] == [2, 3, 4, 5, 6]
    assert [p.get("internal", False) for p in everything] == [False, False, False, True, False]
    assert messages_after(ticket_id=ticket.pk, seq=2)[0]["seq"] == 3


def test_the_latest_session_reads_give_what_the_orm_gives():
    widget = make_widget()
    visitor = visitor_identify(widget=widget).visitor
    assert session_state(visitor=visitor) is None and session_hint(visitor=visitor) is None
    chat_message_receive(visitor=visitor, text="One", client_id="a", offline=False)
    chat_close(session=ChatSession.objects.get(visitor=visitor))
    ChatSession.objects.create(widget=widget, visitor=visitor, status=ChatSession.Status.WAITING)  # no ticket
    for latest in (ChatSession.objects.get(visitor=visitor, ticket__isnull=True), None):
        orm = latest_sessions(visitor).select_related("ticket").first()
        state, hint = session_state(visitor=visitor), session_hint(visitor=visitor)
        assert (state.pk, state.ticket_id, state.status, state.agent_id) == (
            orm.pk,
            orm.ticket_id,
            orm.status,
            orm.agent_id,
        )
        assert (hint.pk, hint.status, hint.ticket_id) == (orm.pk, orm.status, orm.ticket_id)
        assert state.get_deferred_fields() == {f.attname for f in ChatSession._meta.concrete_fields} - {
            "id",
            "ticket_id",
            "status",
            "agent_id",
        }
        if orm.ticket_id is None:
            assert hint.ticket is None
        else:
            assert (hint.ticket.pk, hint.ticket.requester_id, hint.ticket.merged_into_id) == (
                orm.ticket.pk,
                orm.ticket.requester_id,
                orm.ticket.merged_into_id,
            )
            assert hint.widget_id == widget.pk  # a deferred field loads on access
        if latest is not None:
            latest.delete()  # then the closed conversation with its ticket is the latest


def test_a_session_is_attached_only_to_a_ticket_no_session_has():
    widget = make_widget()
    visitor = visitor_identify(widget=widget).visitor
    message = chat_message_receive(visitor=visitor, text="One", client_id="a", offline=False)
    taken = ChatSession.objects.get(ticket_id=message.ticket_id)
    spare = ChatSession.objects.create(widget=widget, visitor=visitor, status=ChatSession.Status.WAITING)
    session_attach(session_id=spare.pk, ticket_id=message.ticket_id)  # another session has it: unchanged
    spare.refresh_from_db()
    assert spare.ticket_id is None
    other = chat_message_receive(
        visitor=visitor_identify(widget=widget).visitor, text="Two", client_id="b", offline=False
    )
    session_attach(session_id=taken.pk, ticket_id=other.ticket_id)  # this session has a ticket: unchanged
    taken.refresh_from_db()
    assert taken.ticket_id == message.ticket_id
    ChatSession.objects.filter(ticket_id=other.ticket_id).update(ticket=None)
    session_attach(session_id=spare.pk, ticket_id=other.ticket_id)  # both free: attached
    spare.refresh_from_db()
    assert spare.ticket_id == other.ticket_id


def test_the_ticket_a_message_locks_is_what_the_orm_loads():
    widget = make_widget()
    visitor = visitor_identify(widget=widget).visitor
    ticket_id = chat_message_receive(visitor=visitor, text="One", client_id="a", offline=False).ticket_id
    Ticket.objects.filter(pk=ticket_id).update(first_response_at=timezone.now(), ai_summary="Short")
    with pytest.raises(TransactionManagementError):
        ticket_lock(ticket_id)  # as select_for_update: only inside a transaction
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            locked = ticket_lock(ticket_id)
        orm = Ticket.objects.select_for_update().defer("search_vector").get(pk=ticket_id)
        with pytest.raises(Ticket.DoesNotExist):
            ticket_lock(ticket_id + 1000)
    assert len(captured.captured_queries) == 1 and captured.captured_queries[0]["sql"].endswith("FOR UPDATE")
    assert locked.get_deferred_fields() == orm.get_deferred_fields() == {"search_vector"}
    fields = [f.attname for f in Ticket._meta.concrete_fields if f.attname != "search_vector"]
    assert [getattr(locked, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert locked._state.adding is False and locked._state.db == orm._state.db
    assert locked.search_vector == orm.search_vector  # loads on access
