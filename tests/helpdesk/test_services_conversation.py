"""The front door: raw input first, one decision (new / reply / reopen / follow-up), hooks once."""

# ruff: noqa: F811  (pytest fixtures imported from tests.helpdesk.recorders are used as arguments)
from __future__ import annotations

import pytest

from core.errors import ApplicationError
from helpdesk.models import Message, RawInput, Ticket, TicketEvent, TicketStatus
from helpdesk.services.conversation import conversation_receive
from tests.conftest import make_customer
from tests.helpdesk.recorders import broadcasts, hook_calls  # noqa: F401  (fixtures; ruff: noqa F811 below)

pytestmark = pytest.mark.django_db


FRONT_DOOR_HOOKS = ("ticket_created", "customer_message_posted", "ticket_updated")


def _hooks(calls):
    """The hooks this service ran (triage, which runs from them, adds its own ticket updates later)."""
    names = []
    for name, kwargs in calls:
        if name == "ticket_updated" and kwargs.get("changed") != ["status"]:
            continue
        if name in FRONT_DOOR_HOOKS:
            names.append(name)
    return names


def test_new_request_opens_a_ticket_stores_the_raw_input_and_runs_each_hook_once(
    customer, team, hook_calls, broadcasts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        received = conversation_receive(
            channel="web", sender=customer, subject="Broken pedal", body_text="The pedal fell off.",
            raw_payload="Subject: Broken pedal\n\nThe pedal fell off.", team=team, tags=["Bike"],
        )  # fmt: skip
    ticket, message = received.ticket, received.message
    assert received.outcome == "created"
    assert (ticket.subject, ticket.requester, ticket.team, ticket.status) == (
        "Broken pedal",
        customer,
        team,
        "new",
    )
    assert list(ticket.tags.values_list("name", flat=True)) == ["bike"]
    assert (message.seq, message.author_kind, message.body_text) == (1, "customer", "The pedal fell off.")
    assert message.delivery_status == "" and message.raw_input == received.raw_input

    raw = RawInput.objects.get()
    assert (raw.status, raw.ticket, raw.channel, raw.sender) == ("processed", ticket, "web", customer.email)
    assert raw.payload.startswith("Subject: Broken pedal") and raw.processed_at is not None

    assert _hooks(hook_calls) == ["customer_message_posted", "ticket_created"]
    assert hook_calls[0][1] == {"ticket": ticket, "message": message}
    kinds = broadcasts.kinds()  # tags announce an "updated" too
    assert kinds.count("ticket_created") == 1 and "message" not in kinds


def test_reply_to_an_open_ticket_is_appended(
    ticket, customer, hook_calls, broadcasts, django_capture_on_commit_callbacks
):
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        received = conversation_receive(
            channel="web", sender=customer, body_text="Any news?", thread_hint=ticket
        )
    assert received.outcome == "replied"
    assert received.ticket.pk == ticket.pk and received.message.seq == 2
    assert received.ticket.status == TicketStatus.OPEN
    assert _hooks(hook_calls) == ["customer_message_posted"]
    assert broadcasts.kinds() == ["message"]


@pytest.mark.parametrize("status", [TicketStatus.PENDING, TicketStatus.SOLVED, TicketStatus.ON_HOLD])
def test_reply_reopens_a_pending_solved_or_on_hold_ticket(
    status, ticket, customer, hook_calls, broadcasts, django_capture_on_commit_callbacks
):
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    with django_capture_on_commit_callbacks(execute=True):
        received = conversation_receive(
            channel="web", sender=customer, body_text="Still broken", thread_hint=ticket
        )
    assert received.outcome == "reopened"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    event = TicketEvent.objects.filter(ticket=ticket, field="status").latest("id")
    assert (event.before, event.after, event.actor_label) == (status, "open", "customer")
    assert _hooks(hook_calls) == ["ticket_updated", "customer_message_posted"]
    kinds = broadcasts.kinds()  # the reopening is the announcement (triage may update it afterwards)
    assert kinds[0] == "status" and "message" not in kinds


def test_reply_to_a_closed_ticket_opens_a_linked_follow_up(
    ticket, customer, team, hook_calls, django_capture_on_commit_callbacks
):
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        received = conversation_receive(
            channel="web", sender=customer, body_text="Again?", thread_hint=ticket
        )
    assert received.outcome == "follow_up"
    follow_up = received.ticket
    assert follow_up.pk != ticket.pk and follow_up.follow_up_of == ticket
    assert (follow_up.subject, follow_up.team, follow_up.status) == (ticket.subject, team, "new")
    assert received.message.ticket_id == follow_up.pk and received.message.seq == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.message_count == 1
    assert _hooks(hook_calls) == ["customer_message_posted", "ticket_created"]
    assert hook_calls[1][1]["ticket"] == follow_up


def test_reply_to_a_merged_ticket_lands_in_the_surviving_ticket(ticket, customer, team, agent):
    from helpdesk.services.tickets import ticket_create, ticket_merge

    survivor = ticket_create(requester=customer, subject="Same problem", body_text="me again", team=team)
    ticket_merge(source=ticket, target=survivor, actor=agent)
    received = conversation_receive(channel="web", sender=customer, body_text="Hello?", thread_hint=ticket)
    assert (received.outcome, received.ticket) == ("replied", survivor)


def test_a_reply_to_someone_elses_ticket_is_refused_and_quarantined(
    ticket, hook_calls, django_capture_on_commit_callbacks
):
    stranger = make_customer(email="stranger@example.com", name="Stranger")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ApplicationError):
        conversation_receive(channel="web", sender=stranger, body_text="Let me in", thread_hint=ticket)
    ticket.refresh_from_db()
    assert ticket.message_count == 1
    assert not Message.objects.filter(body_text="Let me in").exists()
    raw = RawInput.objects.get()
    assert raw.status == "quarantined" and "not your ticket" in raw.error and raw.payload == "Let me in"
    assert hook_calls == []


@pytest.mark.django_db(transaction=True)
def test_a_processing_failure_keeps_the_committed_raw_input_quarantined(customer):
    """Real commits (no test transaction): the raw input survives the rolled-back processing."""
    with pytest.raises(ApplicationError):
        conversation_receive(
            channel="api", sender=customer, subject="x", body_text="hello", priority="whenever",
            raw_payload='{"subject": "x", "body": "hello", "priority": "whenever"}',
        )  # fmt: skip
    assert not Ticket.objects.exists() and not Message.objects.exists()
    raw = RawInput.objects.get()
    assert raw.status == "quarantined" and "Unknown priority" in raw.error
    assert raw.payload.startswith('{"subject": "x"') and raw.ticket is None


def test_bytes_are_kept_in_storage_hash_named(customer):
    payload = b"From: cust@example.com\r\nSubject: Hi\r\n\r\nHello \xff"
    received = conversation_receive(
        channel="email", sender=customer, subject="Hi", body_text="Hello", raw_payload=payload
    )
    raw = received.raw_input
    raw.refresh_from_db()
    assert raw.payload == "" and raw.size == len(payload)
    assert raw.file.name.endswith(raw.sha256) and raw.file.read() == payload
    assert received.message.raw == ""


def test_attachments_and_email_ids_are_kept(customer):
    received = conversation_receive(
        channel="email", sender=customer, subject="Photo", body_text="See attached",
        attachments=[("photo.png", b"\x89PNG....", "image/png")], email_message_id="<a@b>",
    )  # fmt: skip
    assert received.message.email_message_id == "<a@b>"
    assert [a.filename for a in received.message.attachments.all()] == ["photo.png"]
    assert received.ticket.channel == "email"


def test_an_api_ticket_is_audited_as_opened_by_its_actor(customer, agent):
    received = conversation_receive(
        channel="api", sender=customer, subject="Via API", body_text="hi", actor=agent, priority="high"
    )
    event = TicketEvent.objects.get(ticket=received.ticket, field="created")
    assert (event.actor, event.after, received.ticket.priority) == (agent.user, "api", "high")
