"""AI personalisation through the gateway (a real OpenAI-compatible peer): redacted out, restored
back, and the template's text kept when the model drops a fact."""

from __future__ import annotations

import pytest

from outreach.models import OutreachMessage
from tests.outreach.conftest import event_body, make_rule

pytestmark = pytest.mark.django_db


def test_the_message_is_rewritten_by_the_model_which_never_sees_the_name(post_event, llm_peer):
    make_rule(ai_personalise=True)
    llm_peer.reply_with(lambda request: "Sorry for the wait! " + request.last_user_text)

    post_event(event_body())

    message = OutreachMessage.objects.get()
    assert message.ai_personalised
    assert message.body == "Sorry for the wait! Hi Casey, your order NW-1042 will arrive on 9 December."
    prompt = llm_peer.chat_requests[0].prompt_text
    assert "Casey" not in prompt and "NW-1042" in prompt


def test_a_rewrite_that_drops_a_fact_is_not_used(post_event, llm_peer):
    make_rule(ai_personalise=True)
    llm_peer.reply("Hi! Your order is a little late, sorry.")

    post_event(event_body())

    message = OutreachMessage.objects.get()
    assert not message.ai_personalised
    assert message.body == "Hi Casey, your order NW-1042 will arrive on 9 December."


def test_without_a_model_the_template_is_sent_as_written(post_event):
    make_rule(ai_personalise=True)
    post_event(event_body())
    assert OutreachMessage.objects.get().ai_personalised is False
