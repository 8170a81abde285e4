"""The back door: every public reply is queued, handed to its channel's adapter, retried, never lost."""

# ruff: noqa: F811  (pytest fixtures imported from tests.helpdesk.recorders are used as arguments)
from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from core.errors import ApplicationError
from helpdesk.models import Message, Ticket, TicketEvent, TicketStatus
from helpdesk.services import delivery
from helpdesk.services.delivery import (
    MAX_ATTEMPTS,
    delivery_adapter_register,
    delivery_retry,
    delivery_retry_due,
    message_deliver,
    reply_send,
)
from helpdesk.services.messages import counts_as_first_response, message_post, note_add
from tests.helpdesk.recorders import broadcasts, hook_calls  # noqa: F401  (fixtures; ruff: noqa F811 below)

pytestmark = pytest.mark.django_db


class FlakyChannel:
    """A delivery adapter for the "email" channel that fails until told otherwise."""

    def __init__(self):
        self.failing = True
        self.delivered: list[int] = []

    def __call__(self, message: Message) -> None:
        if self.failing:
            raise ConnectionError("SMTP server said 451")
        self.delivered.append(message.pk)


@pytest.fixture
def email_channel():
    adapter = FlakyChannel()
    registered = delivery._adapters.get("email")  # the real email channel's, when installed
    delivery_adapter_register("email", adapter)
    yield adapter
    if registered is None:
        delivery._adapters.pop("email", None)
    else:
        delivery_adapter_register("email", registered)


@pytest.fixture
def email_ticket(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(channel="email")
    ticket.refresh_from_db()
    return ticket


def test_an_agent_reply_is_queued_then_delivered_on_commit(
    ticket, agent, hook_calls, broadcasts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="On it")
        reply.refresh_from_db()
        assert (reply.delivery_status, reply.delivery_channel, reply.delivery_attempts) == (
            "queued",
            "web",
            0,
        )
    reply.refresh_from_db()
    assert (reply.delivery_status, reply.delivery_attempts, reply.delivery_error) == ("sent", 1, "")
    assert reply.delivered_at is not None
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.first_response_at <= reply.created_at
    assert [name for name, _ in hook_calls] == ["ticket_updated", "agent_message_posted"]
    assert hook_calls[1][1]["message"] == reply
    kinds = broadcasts.kinds()
    assert kinds == ["status", "message"]


def test_a_customer_or_internal_message_cannot_be_sent_as_a_reply(ticket, agent):
    with pytest.raises(ApplicationError):
        reply_send(ticket=ticket, author_kind="customer", body_text="x")
    with pytest.raises(ApplicationError):
        reply_send(ticket=ticket, author_kind="agent", body_text="who wrote this?")


def test_a_failure_keeps_the_message_and_the_retry_delivers_it(
    email_ticket, agent, email_channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(ticket=email_ticket, author_kind="agent", author_agent=agent, body_text="Fixed")
    reply.refresh_from_db()
    assert (reply.delivery_status, reply.delivery_channel, reply.delivery_attempts) == ("failed", "email", 1)
    assert "451" in reply.delivery_error and reply.delivered_at is None
    assert Message.objects.filter(pk=reply.pk, body_text__startswith="Fixed").exists()

    # Backoff: not due right away, due once the wait has passed.
    assert delivery_retry_due(now=timezone.now()) == {}
    later = reply.created_at + dt.timedelta(minutes=2)
    assert delivery_retry_due(now=later) == {reply.pk: "failed"}
    email_channel.failing = False
    assert delivery_retry_due(now=later) == {}  # attempt 2 waits longer
    assert delivery_retry_due(now=reply.created_at + dt.timedelta(minutes=8)) == {reply.pk: "sent"}
    reply.refresh_from_db()
    assert (reply.delivery_status, reply.delivery_attempts, reply.delivery_error) == ("sent", 3, "")
    assert email_channel.delivered == [reply.pk]


def test_retries_stop_after_the_last_attempt(email_ticket, agent, email_channel):
    reply = reply_send(ticket=email_ticket, author_kind="agent", author_agent=agent, body_text="Hello")
    far_future = timezone.now() + dt.timedelta(days=30)
    for _ in range(MAX_ATTEMPTS + 3):
        delivery_retry_due(now=far_future)
    reply.refresh_from_db()
    assert (reply.delivery_status, reply.delivery_attempts) == ("failed", MAX_ATTEMPTS)


def test_a_queued_reply_whose_task_was_lost_is_picked_up(ticket, agent):
    reply = reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="Hello")
    assert delivery_retry_due(now=timezone.now()) == {}
    assert delivery_retry_due(now=timezone.now() + dt.timedelta(minutes=11)) == {reply.pk: "sent"}


def test_delivering_twice_does_nothing_the_second_time(email_ticket, agent, email_channel):
    email_channel.failing = False
    reply = reply_send(ticket=email_ticket, author_kind="agent", author_agent=agent, body_text="Once")
    assert message_deliver(message_id=reply.pk) == "sent"
    assert message_deliver(message_id=reply.pk) == "sent"
    reply.refresh_from_db()
    assert reply.delivery_attempts == 1 and email_channel.delivered == [reply.pk]


def test_an_unknown_channel_falls_back_to_web(ticket, agent):
    Ticket.objects.filter(pk=ticket.pk).update(channel="phone")
    ticket.refresh_from_db()
    reply = reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="Called you")
    assert message_deliver(message_id=reply.pk) == "sent"
    reply.refresh_from_db()
    # The status says how it really left: by the web (the portal), never "phone".
    assert reply.delivery_channel == "web"


def test_the_retry_service_is_audited_and_refuses_what_did_not_fail(email_ticket, agent, email_channel):
    reply = reply_send(ticket=email_ticket, author_kind="agent", author_agent=agent, body_text="Hi")
    with pytest.raises(ApplicationError):
        delivery_retry(ticket=email_ticket, message_id=reply.pk, actor=agent)  # still queued
    message_deliver(message_id=reply.pk)
    email_channel.failing = False
    assert delivery_retry(ticket=email_ticket, message_id=reply.pk, actor=agent) == "sent"
    event = TicketEvent.objects.get(ticket=email_ticket, field="delivery_retry")
    assert (event.actor, event.after) == (agent.user, f"#{reply.seq} sent")


def test_notes_are_never_delivered(ticket, agent, hook_calls, broadcasts, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        note = note_add(ticket=ticket, author_agent=agent, body_text="Checked the logs")
    assert note.is_internal and note.delivery_status == ""
    ticket.refresh_from_db()
    assert ticket.first_response_at is None and ticket.status == TicketStatus.NEW
    assert TicketEvent.objects.filter(ticket=ticket, field="internal_note", after=f"#{note.seq}").exists()
    assert [name for name, _ in hook_calls] == ["agent_message_posted"]
    assert broadcasts.kinds() == ["message"]
    assert delivery_retry_due(now=timezone.now() + dt.timedelta(days=1)) == {}


@pytest.mark.parametrize(
    ("author_kind", "is_internal", "is_notice", "counts"),
    [
        ("agent", False, False, True),
        ("ai", False, False, True),
        ("ai", False, True, False),  # the handoff notice
        ("system", False, False, False),
        ("agent", True, False, False),  # internal note
        ("ai", True, False, False),
        ("customer", False, False, False),
    ],
)
def test_the_first_response_rule(author_kind, is_internal, is_notice, counts):
    assert (
        counts_as_first_response(author_kind=author_kind, is_internal=is_internal, is_notice=is_notice)
        is counts
    )


def test_a_handoff_notice_or_system_message_does_not_stop_the_first_reply_clock(ticket, agent):
    reply_send(ticket=ticket, author_kind="ai", body_text="A person will reply soon.", is_notice=True)
    reply_send(ticket=ticket, author_kind="system", body_text="We received your order.")
    note_add(ticket=ticket, author_kind="ai", body_text="AI handoff: low confidence")
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    answer = reply_send(
        ticket=ticket, author_kind="ai", body_text="The link is valid for 24 hours.", ai_mode="extractive"
    )
    ticket.refresh_from_db()
    assert answer.created_at - dt.timedelta(seconds=1) < ticket.first_response_at <= answer.created_at


def test_message_post_is_a_plain_append_with_no_decisions(
    ticket, customer, hook_calls, django_capture_on_commit_callbacks
):
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        message = message_post(ticket=ticket, author_kind="customer", author_customer=customer, body_text="x")
    assert message.ticket_id == ticket.pk and message.seq == 2
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and not Ticket.objects.filter(follow_up_of=ticket).exists()
    assert hook_calls == []


def test_the_retry_task_is_scheduled():
    migration = import_module("helpdesk.migrations.0007_schedule_delivery_retry")
    migration.Migration.operations[0].code(
        apps, None
    )  # what migrate ran (a flushing test may have removed it)
    migration.Migration.operations[0].code(apps, None)
    schedule = Schedule.objects.get(name="helmdesk-delivery-retry")
    assert schedule.func == "helpdesk.tasks.delivery_retry" and schedule.repeats == -1


def test_the_desk_thread_shows_the_delivery_status_and_retries(
    client_agent, email_ticket, agent, email_channel
):
    reply = reply_send(
        ticket=email_ticket, author_kind="agent", author_agent=agent, body_text="Tracking: 123"
    )
    message_deliver(message_id=reply.pk)
    page = client_agent.get(reverse("desk:ticket", args=[email_ticket.pk])).content.decode()
    retry_url = reverse("desk:message_retry", args=[email_ticket.pk, reply.pk])
    assert 'data-delivery="failed"' in page and retry_url in page and "SMTP server said 451" in page

    email_channel.failing = False
    response = client_agent.post(retry_url)
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.delivery_status == "sent"
    page = client_agent.get(reverse("desk:ticket", args=[email_ticket.pk])).content.decode()
    assert 'data-delivery="sent"' in page and retry_url not in page
