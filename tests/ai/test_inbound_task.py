"""The inbound task: channel policy, idempotency, provider faults (never a lost ticket or a second reply)."""

from __future__ import annotations

import pytest

from ai.models import AIDraft, AIInteraction, AISettings
from ai.tasks.inbound import handle_inbound
from helpdesk.models import Message, TicketChannel
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.messages import message_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]
QUESTION = "How long is the password reset link valid? I requested one this morning."


@pytest.fixture(autouse=True)
def _low_threshold(db):
    settings_row = AISettings.load()
    settings_row.confidence_threshold = 0.3
    settings_row.save()


def ai_replies(ticket, *, internal=False):
    return list(ticket.messages.filter(author_kind=Message.AuthorKind.AI, is_internal=internal))


def test_customer_message_on_the_portal_is_answered_through_the_hook(
    help_center, ai_inbound_on, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = conversation_receive(
            channel=TicketChannel.WEB, sender=customer, subject="Question", body_text=QUESTION
        ).ticket
    [reply] = ai_replies(ticket)
    assert "The reset link is valid for 24 hours." in reply.body_text
    assert reply.ai_mode == "extractive" and reply.citations[0]["article_id"] == help_center["password"].pk
    interaction = AIInteraction.objects.get(kind="answer", message__seq=1, ticket=ticket)
    assert interaction.decision == "answered" and interaction.reply_message == reply
    assert interaction.stage_ms and interaction.latency_ms >= 0


def test_running_the_task_twice_never_posts_a_second_reply(help_center, make_ticket):
    ticket = make_ticket(QUESTION)
    message = ticket.messages.get(seq=1)
    assert handle_inbound(ticket.pk, message.pk) == "answered"
    assert handle_inbound(ticket.pk, message.pk) == "done"
    assert len(ai_replies(ticket)) == 1
    assert AIInteraction.objects.filter(kind="answer", message=message).count() == 1


def test_email_gets_a_draft_unless_email_answers_are_switched_on(help_center, make_ticket):
    ticket = make_ticket(QUESTION, channel=TicketChannel.EMAIL)
    assert handle_inbound(ticket.pk, ticket.messages.get(seq=1).pk) == "drafted"
    assert ai_replies(ticket) == []
    draft = AIDraft.objects.get(ticket=ticket)
    assert "24 hours" in draft.text and draft.mode == "extractive"

    settings_row = AISettings.load()
    settings_row.answer_email = True
    settings_row.save()
    second = make_ticket(QUESTION, channel=TicketChannel.EMAIL)
    assert handle_inbound(second.pk, second.messages.get(seq=1).pk) == "answered"


def test_after_a_handoff_the_ai_only_drafts(help_center, make_ticket):
    ticket = make_ticket("I want a refund for my last order please")
    first = ticket.messages.get(seq=1)
    assert handle_inbound(ticket.pk, first.pk) == "handed_off"
    notice, note = ai_replies(ticket), ai_replies(ticket, internal=True)
    assert len(notice) == 1 and len(note) == 1
    follow_up = conversation_receive(
        channel=TicketChannel.WEB, sender=ticket.requester, body_text=QUESTION, thread_hint=ticket
    ).message
    assert handle_inbound(ticket.pk, follow_up.pk) == "drafted"
    assert len(ai_replies(ticket)) == 1


@pytest.mark.parametrize("fault", ["rate_limit_storm", "server_error", "malformed_json", "hang"])
def test_provider_faults_lose_nothing_and_reply_once(help_center, make_ticket, llm_peer, settings, fault):
    settings.OPENAI_TIMEOUT_S = 0.5
    if fault == "rate_limit_storm":
        llm_peer.rate_limit(retry_after_ms=10, times=20)
    elif fault == "hang":
        for _ in range(3):
            llm_peer.hang()
    else:
        for _ in range(3):
            getattr(llm_peer, fault)()
    ticket = make_ticket(QUESTION)
    message = ticket.messages.get(seq=1)
    handle_inbound(ticket.pk, message.pk)
    handle_inbound(ticket.pk, message.pk)
    [reply] = ai_replies(ticket)
    assert reply.ai_mode == "extractive" and "24 hours" in reply.body_text
    interaction = AIInteraction.objects.get(kind="answer", message=message)
    assert interaction.mode_reason in {"unavailable", "bad_response"}


def test_a_crashing_pipeline_hands_off_instead_of_losing_the_message(help_center, make_ticket, monkeypatch):
    def broken_search(*args, **kwargs):
        raise RuntimeError("search index is gone")

    monkeypatch.setattr("ai.pipelines.sources.retrieve_stage", broken_search)
    ticket = make_ticket(QUESTION)
    message = ticket.messages.get(seq=1)
    assert handle_inbound(ticket.pk, message.pk) == "handed_off"
    interaction = AIInteraction.objects.get(kind="answer", message=message)
    assert interaction.reason.startswith("pipeline_error")
    assert len(ai_replies(ticket)) == 1 and len(ai_replies(ticket, internal=True)) == 1


def test_agent_and_ai_messages_are_ignored(help_center, make_ticket, agent):
    ticket = make_ticket(QUESTION)
    reply = message_post(ticket=ticket, author_kind="agent", author_agent=agent, body_text="On it.")
    assert handle_inbound(ticket.pk, reply.pk) == "skipped"
