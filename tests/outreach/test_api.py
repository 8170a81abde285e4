"""POST /api/v1/events/: raw body stored before parsing, clear 400s, token auth, idempotent events."""

from __future__ import annotations

import pytest

from helpdesk.models import Customer
from helpdesk.services.api_tokens import api_token_create
from outreach.models import OutreachBatch, OutreachEvent, OutreachMessage
from tests.outreach.conftest import event_body

pytestmark = pytest.mark.django_db


def test_an_event_is_stored_raw_and_makes_a_batch_waiting_for_approval(rule, post_event, smtp_server):
    body = event_body()
    response = post_event(body)

    assert response.status_code == 202, response.content
    event = OutreachEvent.objects.get(pk=response.json()["event_id"])
    assert event.raw == body
    assert event.status == OutreachEvent.Status.PROCESSED
    assert event.event_type == "order.delayed" and event.external_id == "cus_7"
    assert event.customer == Customer.objects.get(email="casey@example.com")
    [batch] = response.json()["batches"]
    assert batch["status"] == OutreachBatch.Status.PENDING and batch["messages"] == 1
    message = OutreachMessage.objects.get()
    assert message.status == OutreachMessage.Status.PENDING
    assert message.subject == "Order NW-1042"
    assert message.body == "Hi Casey, your order NW-1042 will arrive on 9 December."
    assert smtp_server.messages == []  # nothing leaves before an agent approves


@pytest.mark.parametrize(
    "body, fragment",
    [
        ('{"type": "order.delayed", "customer": ', "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"customer": {"email": "a@example.com"}}', '"type"'),
        ('{"type": "Order Delayed!"}', '"type"'),
        ('{"type": "order.delayed", "colour": "red"}', "Unknown fields"),
        ('{"type": "order.delayed", "customer": {"email": "not-an-address"}}', "customer.email"),
        ('{"type": "order.delayed", "data": [1]}', "JSON objects"),
    ],
)
def test_bad_input_answers_400_and_keeps_the_raw_event(rule, post_event, body, fragment):
    response = post_event(body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert fragment in error["message"]
    event = OutreachEvent.objects.get(pk=error["details"]["event_id"])
    assert event.raw == body
    assert event.status == OutreachEvent.Status.INVALID and fragment in event.error
    assert not OutreachBatch.objects.exists()


def test_the_same_event_twice_makes_one_message(rule, post_event):
    first = post_event(event_body())
    again = post_event(event_body())

    assert first.status_code == again.status_code == 202
    assert len(first.json()["batches"]) == 1 and again.json()["batches"] == []
    assert OutreachEvent.objects.count() == 2  # both stored as they arrived
    assert OutreachMessage.objects.count() == 1


def test_a_repeated_caller_event_id_makes_one_message_even_with_other_data(rule, post_event):
    post_event(event_body(event_id="evt-1", order="NW-1"))
    post_event(event_body(event_id="evt-1", order="NW-2"))
    post_event(event_body(event_id="evt-2", order="NW-2"))

    assert sorted(OutreachMessage.objects.values_list("subject", flat=True)) == ["Order NW-1", "Order NW-2"]


def test_no_token_no_scope_no_event(rule, client, post_event):
    assert client.post("/api/v1/events/", data=event_body(), content_type="application/json").status_code in (
        401,
        403,
    )
    _token, read_only = api_token_create(name="reader", kind="server", scopes=["customers:read"])
    assert post_event(event_body(), token=read_only).status_code == 403
    assert not OutreachEvent.objects.exists()


def test_an_event_without_a_matching_rule_is_kept_for_the_baseline(post_event):
    response = post_event(event_body())

    assert response.status_code == 202 and response.json()["batches"] == []
    assert OutreachEvent.objects.get().status == OutreachEvent.Status.PROCESSED
