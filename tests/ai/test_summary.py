"""Ticket summaries: extractive key sentences, generative through the model, refreshed as the thread grows."""

from __future__ import annotations

import pytest

from ai.models import AIInteraction
from ai.pipelines.summary import ThreadMessage, extractive_summary
from ai.services.summaries import ticket_summary_refresh
from helpdesk.services.delivery import reply_send
from helpdesk.services.messages import message_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]

THREAD = [
    (
        "customer",
        "My e-bike display shows error E42 and the motor stops after a few minutes. It started on Monday.",
    ),
    ("agent", "Sorry to hear that. Please update the firmware from the app and restart the bike."),
    ("customer", "I already updated the firmware and restarted it twice, the error is still there."),
    ("agent", "Thanks. Could you send us a photo of the display with the serial number?"),
]


def post_thread(ticket, agent, turns):
    for role, text in turns:
        message_post(
            ticket=ticket, author_kind=role, author_agent=agent if role == "agent" else None, body_text=text
        )


def test_extractive_summary_names_problem_attempts_and_state():
    summary = extractive_summary([ThreadMessage(role, text) for role, text in THREAD])
    problem, tried, state = summary.splitlines()
    assert problem.startswith("Problem:") and "E42" in problem
    assert tried.startswith("Tried so far:") and "already updated the firmware" in tried
    assert state.startswith("Current state:") and "photo" in state and "Waiting for the customer." in state


def test_short_threads_get_no_summary(ticket):
    assert ticket_summary_refresh(ticket=ticket) is None


def test_summary_is_stored_refreshed_and_idempotent(ticket, agent):
    post_thread(ticket, agent, THREAD)
    first = ticket_summary_refresh(ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.ai_summary == first and "cannot log in" in first and "firmware" in first
    assert ticket_summary_refresh(ticket=ticket) == first
    assert AIInteraction.objects.filter(kind="summary", ticket=ticket).count() == 1
    post_thread(ticket, agent, [("customer", "Here is the photo, the serial number is SN-4471.")])
    second = ticket_summary_refresh(ticket=ticket)
    assert second != first and "Waiting for the team." in second
    assert AIInteraction.objects.filter(kind="summary", ticket=ticket).count() == 2


def test_generative_summary_gets_the_redacted_thread_fenced(ticket, agent, llm_peer):
    post_thread(ticket, agent, [*THREAD[:3], ("agent", "Please write to me at alice.support@example.com.")])
    llm_peer.reply("Problem: error E42.\nTried so far: firmware update.\nCurrent state: waiting for a photo.")
    summary = ticket_summary_refresh(ticket=ticket)
    prompt = llm_peer.chat_requests[0].prompt_text
    assert "<history>" in prompt and "<<<UNTRUSTED" in prompt
    assert "alice.support@example.com" not in prompt
    assert summary.startswith("Problem: error E42.")
    assert AIInteraction.objects.get(kind="summary").mode == "generative"


def test_the_hook_refreshes_the_summary_when_the_thread_grows(
    ticket, agent, ai_inbound_on, django_capture_on_commit_callbacks
):
    post_thread(ticket, agent, THREAD[1:])
    with django_capture_on_commit_callbacks(execute=True):
        # The agent's reply runs the "agent_message_posted" hook, which refreshes the summary.
        reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="Any news on the photo?")
    ticket.refresh_from_db()
    assert ticket.ai_summary.startswith("Problem:")
    assert AIInteraction.objects.filter(kind="summary", ticket=ticket).exists()
