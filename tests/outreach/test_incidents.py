"""Incident mode: new tickets that match are linked and answered with the note; each customer is told
once; the affected audience gets an approved batch; closing sends one follow-up per linked customer."""

from __future__ import annotations

import pytest

from ai.models import TicketTriage
from helpdesk.models import Message, Topic
from helpdesk.services.conversation import conversation_receive
from outreach.models import Incident, IncidentLink, IncidentNotice, OutreachAudit, OutreachMessage
from outreach.services.batches import batch_approve
from outreach.services.incidents import (
    incident_close,
    incident_declare,
    incident_link_ticket,
    incident_notify_audience,
)
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db
NOTE = "Storms delay parcels to the north by 2-3 days. Your order is safe; no need to reorder."


@pytest.fixture
def incident(db):
    return incident_declare(
        title="Shipping delays in the north",
        customer_note=NOTE,
        description="Parcels to northern regions are delayed by storms; deliveries arrive 2-3 days late.",
        keywords="storm, shipping delay",
        follow_up_note="Deliveries to the north are back on schedule. Thank you for your patience.",
    )


def _write(customer, subject, body, capture):
    with capture(execute=True):
        return conversation_receive(channel="web", sender=customer, subject=subject, body_text=body).ticket


def _system_replies(ticket):
    return list(
        ticket.messages.filter(author_kind=Message.AuthorKind.SYSTEM, is_internal=False).values_list(
            "body_text", flat=True
        )
    )


def test_a_matching_ticket_is_linked_and_answered_with_the_note_once_per_customer(
    incident, customer, django_capture_on_commit_callbacks
):
    first = _write(
        customer,
        "Shipping delay?",
        "Is there a shipping delay? My order is late.",
        django_capture_on_commit_callbacks,
    )
    second = _write(
        customer, "Still waiting", "The storm news - is my parcel stuck?", django_capture_on_commit_callbacks
    )

    links = IncidentLink.objects.order_by("pk")
    assert [link.ticket_id for link in links] == [first.pk, second.pk]
    assert links[0].matched_keyword == "shipping delay" and links[0].answered
    assert _system_replies(first) == [NOTE]
    assert _system_replies(second) == []  # told once: the second ticket gets an internal note only
    assert second.messages.filter(
        is_internal=True, body_text__contains="already has the incident note"
    ).exists()
    assert IncidentNotice.objects.filter(incident=incident, customer=customer).count() == 1
    assert OutreachAudit.objects.filter(action="incident_linked").count() == 2


def test_a_ticket_is_linked_by_meaning_without_any_keyword(incident, django_capture_on_commit_callbacks):
    assert incident.vector  # the local sentence encoder embedded the incident
    casey = make_customer("dana@example.com", "Dana")
    ticket = _write(
        casey,
        "Package late",
        "My package is late, the courier says there is a delay in my region",
        django_capture_on_commit_callbacks,
    )

    link = IncidentLink.objects.get(ticket=ticket)
    assert link.matched_keyword == "" and link.similarity >= incident.similarity_threshold
    assert _system_replies(ticket) == [NOTE]


def test_an_unrelated_ticket_is_not_linked(incident, customer, django_capture_on_commit_callbacks):
    ticket = _write(
        customer, "Brakes", "How do I adjust the brakes on my bike?", django_capture_on_commit_callbacks
    )

    assert not IncidentLink.objects.exists()
    assert _system_replies(ticket) == []


def test_no_ticket_is_linked_to_a_closed_incident(incident, customer, django_capture_on_commit_callbacks):
    incident_close(incident=incident, send_follow_up=False)
    _write(customer, "Shipping delay", "Is there a shipping delay?", django_capture_on_commit_callbacks)

    assert not IncidentLink.objects.exists()


def test_the_affected_audience_is_notified_once_after_approval(
    customer, smtp_server, django_capture_on_commit_callbacks
):
    topic = Topic.objects.create(name="Shipping")
    other = make_customer("erin@example.com", "Erin")
    tickets = [
        _write(c, "Order status", "When does my order arrive?", django_capture_on_commit_callbacks)
        for c in (customer, other)
    ]
    for ticket in tickets:  # what triage decided (placed directly)
        TicketTriage.objects.update_or_create(ticket=ticket, defaults={"topic": topic})

    incident = incident_declare(
        title="Shipping delays", customer_note=NOTE, keywords="shipping delay", audience_topic=topic
    )
    batch = incident.batches.get()
    assert sorted(batch.messages.values_list("customer__email", flat=True)) == [
        "cust@example.com",
        "erin@example.com",
    ]
    assert smtp_server.messages == []
    # Erin writes about it before the batch is approved: the ticket answer tells her
    _write(other, "Shipping delay", "Is there a shipping delay?", django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        batch_approve(batch=batch, actor=None)

    assert [m["To"] for m in smtp_server.messages] == ["cust@example.com"]
    erin = batch.messages.get(customer=other)
    assert erin.status == OutreachMessage.Status.SKIPPED and "already told" in erin.skip_reason
    assert IncidentNotice.objects.filter(incident=incident).count() == 2
    # asking again makes nothing new
    assert incident_notify_audience(incident=incident) is None


def test_closing_sends_one_follow_up_per_linked_customer(
    incident, customer, django_capture_on_commit_callbacks
):
    _write(customer, "Shipping delay", "Is there a shipping delay?", django_capture_on_commit_callbacks)
    latest = _write(customer, "Storm", "The storm - any news?", django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        sent = incident_close(incident=incident)

    assert sent == 1
    assert _system_replies(latest) == [incident.follow_up_note]
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED and incident.closed_at
    assert IncidentNotice.objects.filter(kind=IncidentNotice.Kind.FOLLOW_UP).count() == 1


def test_a_retried_link_task_links_and_answers_once(incident, customer, django_capture_on_commit_callbacks):
    ticket = _write(
        customer, "Shipping delay", "Is there a shipping delay?", django_capture_on_commit_callbacks
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert incident_link_ticket(ticket_id=ticket.pk) is None  # linked before

    assert IncidentLink.objects.count() == 1
    assert _system_replies(ticket) == [NOTE]
