"""A ticket that matches an open incident gets exactly one customer-facing reply, the incident note,
whichever of the two background tasks (the incident link, the AI's answer) runs first."""

from __future__ import annotations

import pytest

from ai.tasks.inbound import handle_inbound
from helpdesk.models import Message
from helpdesk.services.conversation import conversation_receive
from outreach.models import IncidentLink
from outreach.services.incidents import incident_declare, incident_link_ticket
from tests.fixtures.answer_helpers import ai_inbound_on, help_center, patient_pii  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("help_center", "ai_inbound_on", "patient_pii")]
NOTE = "Storms delay parcels to the north by 2-3 days. Your order is safe; no need to reorder."
QUESTION = "Is there a shipping delay? My order is late and I wonder how long delivery takes."


@pytest.fixture
def incident(db):
    return incident_declare(
        title="Shipping delays in the north", customer_note=NOTE, keywords="shipping delay",
        description="Parcels to northern regions are delayed by storms.",
    )  # fmt: skip


def replies(ticket) -> list[tuple[str, str]]:
    return list(
        ticket.messages.exclude(author_kind=Message.AuthorKind.CUSTOMER)
        .filter(is_internal=False)
        .order_by("seq")
        .values_list("author_kind", "body_text")
    )


def receive(customer, capture, *, run_tasks: bool):
    with capture(execute=run_tasks):
        received = conversation_receive(
            channel="web", sender=customer, subject="Shipping delay", body_text=QUESTION
        )
    return received.ticket, received.message


def test_without_an_incident_the_ai_answers_this_question(customer, django_capture_on_commit_callbacks):
    ticket, _message = receive(customer, django_capture_on_commit_callbacks, run_tasks=True)
    assert [kind for kind, _body in replies(ticket)] == [Message.AuthorKind.AI]


def test_with_both_tasks_run_the_customer_gets_only_the_note(
    incident, customer, django_capture_on_commit_callbacks
):
    ticket, message = receive(customer, django_capture_on_commit_callbacks, run_tasks=True)
    assert replies(ticket) == [(Message.AuthorKind.SYSTEM, NOTE)]  # (the AI's task asked, and was claimed)
    assert handle_inbound(ticket.pk, message.pk) == "claimed"  # a retry of the AI task: still one reply
    assert replies(ticket) == [(Message.AuthorKind.SYSTEM, NOTE)]


def test_ai_task_first_links_the_ticket_and_sends_only_the_note(
    incident, customer, django_capture_on_commit_callbacks
):
    ticket, message = receive(customer, django_capture_on_commit_callbacks, run_tasks=False)
    assert replies(ticket) == []
    assert handle_inbound(ticket.pk, message.pk) == "claimed"
    with django_capture_on_commit_callbacks(execute=True):
        assert incident_link_ticket(ticket_id=ticket.pk) is None  # the link task, late: nothing more
    assert replies(ticket) == [(Message.AuthorKind.SYSTEM, NOTE)]
    assert IncidentLink.objects.get().answered
