"""conversation_receive with a client id: a resend is the same message (chat retries after a drop)."""

import pytest

from core import hooks
from helpdesk.models import Message, RawInput
from helpdesk.services.conversation import Outcome, conversation_receive

pytestmark = pytest.mark.django_db(transaction=True)


def test_resend_with_same_client_id_returns_the_stored_message(ticket, customer):
    heard = []

    def hook(**kwargs):
        heard.append(kwargs["message"].pk)

    hooks.register("customer_message_posted", hook)
    try:
        first = conversation_receive(
            channel="chat", sender=customer, body_text="Still broken", thread_hint=ticket, client_id="abc"
        )
        again = conversation_receive(
            channel="chat", sender=customer, body_text="Still broken", thread_hint=ticket, client_id="abc"
        )
        other = conversation_receive(
            channel="chat", sender=customer, body_text="Still broken", thread_hint=ticket, client_id="abd"
        )
    finally:
        hooks._registry["customer_message_posted"].remove(hook)
    assert first.outcome == Outcome.REPLIED  # the fixture's ticket is new: a plain reply
    assert again.outcome == Outcome.DUPLICATE and again.message.pk == first.message.pk
    assert other.message.pk != first.message.pk and other.message.client_id == "abd"
    assert heard == [first.message.pk, other.message.pk]
    assert Message.objects.filter(ticket=ticket, client_id="abc").count() == 1
    assert RawInput.objects.filter(ticket=ticket).count() == 2  # the resend stored nothing


def test_without_client_id_every_call_is_a_new_message(ticket, customer):
    a = conversation_receive(channel="web", sender=customer, body_text="Hello", thread_hint=ticket)
    b = conversation_receive(channel="web", sender=customer, body_text="Hello", thread_hint=ticket)
    assert a.message.pk != b.message.pk and a.message.client_id == b.message.client_id == ""
