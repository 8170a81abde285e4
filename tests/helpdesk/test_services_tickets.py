import pytest

from core.errors import ApplicationError, TransitionNotAllowed
from helpdesk.models import Message, Ticket, TicketEvent, TicketStatus
from helpdesk.services.delivery import reply_send
from helpdesk.services.messages import message_post, note_add
from helpdesk.services.tickets import (
    ALLOWED_TRANSITIONS,
    ticket_create,
    ticket_merge,
    ticket_transition,
    ticket_update,
)

pytestmark = pytest.mark.django_db

ALL_PAIRS = [(a, b) for a in TicketStatus.values for b in TicketStatus.values if a != b]


def _ticket_in(status, customer, team):
    ticket = ticket_create(requester=customer, subject="s", body_text="hello", team=team)
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    ticket.refresh_from_db()
    return ticket


def test_create_stores_first_message_and_number(customer, team):
    ticket = ticket_create(requester=customer, subject="  Printer on fire ", body_text="Help!", team=team)
    assert ticket.subject == "Printer on fire"
    assert ticket.number >= 1000
    assert ticket.status == TicketStatus.NEW
    msg = ticket.messages.get()
    assert (msg.seq, msg.author_kind, msg.body_text) == (1, "customer", "Help!")
    second = ticket_create(requester=customer, subject="Another", body_text="x")
    assert second.number == ticket.number + 1


@pytest.mark.parametrize(("src", "dst"), ALL_PAIRS)
def test_every_transition_allowed_or_refused(src, dst, customer, team, agent):
    ticket = _ticket_in(src, customer, team)
    if dst in ALLOWED_TRANSITIONS[src]:
        ticket = ticket_transition(ticket=ticket, to_status=dst, actor=agent)
        assert ticket.status == dst
        event = TicketEvent.objects.filter(ticket=ticket, field="status").latest("id")
        assert (event.before, event.after, event.actor) == (src, dst, agent.user)
    else:
        with pytest.raises(TransitionNotAllowed):
            ticket_transition(ticket=ticket, to_status=dst, actor=agent)
        ticket.refresh_from_db()
        assert ticket.status == src


def test_closed_is_final():
    assert ALLOWED_TRANSITIONS[TicketStatus.CLOSED] == frozenset()


def test_create_without_a_body_is_just_the_ticket(customer, team):
    ticket = ticket_create(requester=customer, subject="Shop order 17", team=team)
    assert ticket.message_count == 0 and not ticket.messages.exists()
    assert TicketEvent.objects.get(ticket=ticket, field="created").actor_label == "customer"


def test_agent_reply_opens_new_ticket_and_sets_first_response(ticket, agent):
    reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="On it")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert ticket.first_response_at is not None


def test_internal_note_does_not_count_as_first_response(ticket, agent):
    note_add(ticket=ticket, author_agent=agent, body_text="note")
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.status == TicketStatus.NEW


def test_customer_cannot_write_internal_note(ticket, customer):
    with pytest.raises(ApplicationError):
        message_post(
            ticket=ticket, author_kind="customer", author_customer=customer, body_text="x", is_internal=True
        )


def test_message_html_is_sanitised(ticket, customer):
    msg = message_post(
        ticket=ticket,
        author_kind="customer",
        author_customer=customer,
        body_html='<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:evil()">x</a></p>',
    )
    assert "<script" not in msg.body_html
    assert "onclick" not in msg.body_html
    assert "javascript:" not in msg.body_html
    assert msg.body_text.startswith("Hi")


def test_update_audits_each_field(ticket, agent, other_team):
    ticket_update(
        ticket=ticket, actor=agent, priority="high", team=other_team, assignee=agent, tags=["VIP", "login"]
    )
    fields = set(TicketEvent.objects.filter(ticket=ticket).values_list("field", flat=True))
    assert {"priority", "team", "assignee", "tags"} <= fields
    ticket.refresh_from_db()
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["login", "vip"]


def test_merge_moves_messages_and_audits(customer, team, agent):
    a = ticket_create(requester=customer, subject="A", body_text="one", team=team)
    b = ticket_create(requester=customer, subject="B", body_text="two", team=team)
    reply_send(ticket=a, author_kind="agent", author_agent=agent, body_text="reply on a")
    survivor = ticket_merge(source=a, target=b, actor=agent)
    a.refresh_from_db()
    assert a.merged_into_id == b.pk and a.status == TicketStatus.CLOSED
    assert list(Message.objects.filter(ticket=survivor).values_list("seq", flat=True)) == [1, 2, 3]
    assert TicketEvent.objects.filter(ticket=a, field="merged_into").exists()
    assert TicketEvent.objects.filter(ticket=b, field="merged_from").exists()
    with pytest.raises(ApplicationError):
        ticket_merge(source=a, target=b, actor=agent)


def test_search_vector_covers_messages(ticket, customer):
    message_post(ticket=ticket, author_kind="customer", author_customer=customer, body_text="zebra crossing")
    assert Ticket.objects.filter(search_vector="zebra").exists()
    assert not Ticket.objects.filter(search_vector="giraffe").exists()
