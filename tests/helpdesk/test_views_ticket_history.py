"""The ticket history and AI handoff notes read as plain language, never stored values or codes."""

import pytest
from django.urls import reverse

from ai.services.handoff import handoff_note, handoff_reason_text
from helpdesk.services.audit import event_record
from helpdesk.services.messages import note_add
from helpdesk.services.tickets import ticket_transition

pytestmark = pytest.mark.django_db


def _sidebar(client, ticket):
    return client.get(reverse("desk:ticket", args=[ticket.pk]), {"region": "sidebar"}).content.decode()


def test_status_changes_use_the_labels(client_agent, agent, ticket):
    ticket_transition(ticket=ticket, to_status="open", actor=agent)
    ticket_transition(ticket=ticket, to_status="on_hold", actor=agent)
    html = _sidebar(client_agent, ticket)
    assert "changed the status from “Open” to “On hold”" in html
    assert "on_hold" not in html.replace('value="on_hold"', "")


def test_ai_triage_events_are_sentences(client_agent, ticket):
    event_record(ticket=ticket, actor=None, field="triage_topic", before="", after="? (0%, zero_shot)",
                 actor_label="AI triage")  # fmt: skip
    event_record(ticket=ticket, actor=None, field="triage_topic", before="",
                 after="Motor & error codes (39%, zero_shot)", actor_label="AI triage")  # fmt: skip
    html = _sidebar(client_agent, ticket)
    assert "could not choose a topic (only 0% sure); the ticket needs triage" in html
    assert "chose the topic “Motor &amp; error codes” (39% sure)" in html
    assert "zero_shot" not in html and "triage_topic" not in html


def test_created_event_names_the_channel(client_agent, ticket):
    assert "created the ticket (Web form)" in _sidebar(client_agent, ticket)


def test_handoff_reasons_are_explained():
    assert handoff_reason_text("low_confidence 0.69 < 0.89") == (
        "the AI was not confident enough (69% < 89% required)"
    )
    assert handoff_reason_text("pipeline_error: TimeoutError") == "the AI failed"
    assert handoff_reason_text("rule: Refunds") == "a handoff rule matched (Refunds)"


def test_handoff_note_in_the_thread_has_no_codes(client_agent, ticket):
    note_add(
        ticket=ticket,
        author_kind="ai",
        body_text=handoff_note(reason="low_confidence 0.69 < 0.89", summary=""),
    )
    html = client_agent.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    assert "AI handoff: the AI was not confident enough (69% &lt; 89% required)." in html
    assert "low_confidence" not in html
