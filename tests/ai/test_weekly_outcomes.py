"""Outcome classes of AI-touched conversations, from what happened next (pure rules, then the real
timeline loader over tickets written through the services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ai.evaluation.weekly.outcomes import (
    AnswerEvent,
    Timeline,
    handoff_reason_key,
    outcome_classify,
    outcomes_for,
    says_it_helped,
    timelines_load,
)
from ai.services.interactions import interaction_record
from helpdesk.models import Message, TicketChannel
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.csat import csat_record, csat_send
from helpdesk.services.delivery import reply_send
from helpdesk.services.portal import portal_close
from helpdesk.services.tickets import ticket_transition

T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
NOW = T0 + dt.timedelta(days=30)


def at(days: float = 0, hours: float = 0) -> dt.datetime:
    return T0 + dt.timedelta(days=days, hours=hours)


def answered(**extra) -> Timeline:
    return Timeline(ticket_id=1, answers=[AnswerEvent(at(), "answered")], **extra)


def classify(timeline, now=NOW, assume_days=3, reopen_days=7):
    outcome = outcome_classify(timeline, now=now, assume_days=assume_days, reopen_days=reopen_days)
    return outcome.klass if outcome else None


def test_no_ai_answer_run_is_not_ai_touched():
    assert classify(Timeline(ticket_id=1)) is None


def test_confirmed_by_the_customers_words_by_closing_or_by_csat():
    assert classify(answered(customer_messages=[(at(hours=1), "Thanks, that helped!")])) == "confirmed"
    assert classify(answered(customer_closed=[at(hours=2)])) == "confirmed"
    assert classify(answered(csat=[(at(days=1), 5)])) == "confirmed"
    assert classify(answered(csat=[(at(days=1), 3)])) == "assumed"  # a 3 confirms nothing


def test_a_negated_thanks_is_not_a_confirmation():
    assert not says_it_helped("Thanks, but that did not help at all.")
    assert says_it_helped("Danke, das hat geholfen")
    assert (
        classify(answered(customer_messages=[(at(hours=1), "That doesn't work, still broken")]))
        == "unresolved"
    )


def test_assumed_only_after_the_window_and_pending_before():
    assert classify(answered(), now=at(days=4)) == "assumed"
    assert classify(answered(), now=at(days=2)) == "pending"
    assert classify(answered(), now=at(days=2), assume_days=1) == "assumed"  # N days is configurable


def test_reopened_after_confirmed():
    timeline = answered(
        customer_messages=[
            (at(hours=1), "Great, thanks! It works now."),
            (at(days=2), "It broke again today."),
        ]
    )
    assert classify(timeline) == "reopened"
    # Outside the reopen window the confirmation stands.
    timeline.customer_messages[1] = (at(days=9), "Another question about something else")
    assert classify(timeline) == "confirmed"


def test_assumed_then_reopened():
    timeline = answered(customer_messages=[(at(days=5), "Hi again, the same problem is back")])
    assert classify(timeline) == "reopened"
    assert classify(timeline, reopen_days=4) == "assumed"  # came back after the reopen window
    follow_up = answered(returns=[at(days=4)])  # a follow-up ticket of a closed conversation
    assert classify(follow_up) == "reopened"


def test_escalated_by_handoff_keeps_the_rule_without_the_matched_text():
    timeline = Timeline(ticket_id=1, answers=[AnswerEvent(at(), "handed_off", "keyword: refund")])
    outcome = outcome_classify(timeline, now=NOW, assume_days=3, reopen_days=7)
    assert outcome.klass == "escalated" and outcome.reason == "keyword"
    assert handoff_reason_key("low_confidence 0.41 < 0.89") == "low_confidence"
    assert handoff_reason_key("same question asked again (0.91)") == "same question asked again"
    assert handoff_reason_key("") == "unspecified"
    assert handoff_reason_key("negative sentiment -0.72") == "negative sentiment"


def test_agent_reply_before_any_resolution_is_an_escalation_not_an_ai_resolution():
    assert classify(answered(agent_replies=[at(hours=3)], customer_closed=[at(days=1)])) == "escalated"
    # After the customer confirmed, an agent's courtesy reply does not take the resolution away.
    assert classify(answered(agent_replies=[at(days=1)], customer_closed=[at(hours=1)])) == "confirmed"


def test_blocked_wins_and_names_the_guardrail():
    timeline = Timeline(
        ticket_id=1,
        answers=[AnswerEvent(at(), "blocked", "injection", ["injection: ignore previous"]),
                 AnswerEvent(at(hours=1), "answered")],
    )  # fmt: skip
    outcome = outcome_classify(timeline, now=NOW, assume_days=3, reopen_days=7)
    assert outcome.klass == "blocked" and outcome.reason == "injection"


@pytest.mark.parametrize("text", ["Thanks, that worked!", "problem solved, thank you", "It works now"])
def test_thanks_phrases(text):
    assert says_it_helped(text)


# --- the same rules over real rows, written through the services ---------------------------------


@pytest.fixture
def ai_answered(customer, team):
    """A portal conversation the AI answered (recorded as the inbound task records it)."""
    received = conversation_receive(
        channel=TicketChannel.WEB, sender=customer, subject="Q", body_text="How long?"
    )
    reply = reply_send(ticket=received.ticket, author_kind=Message.AuthorKind.AI, body_text="24 hours [1].")
    interaction_record(kind="answer", decision="answered", ticket=received.ticket, message=received.message,
                       redacted_input="How long?", reply_message=reply)  # fmt: skip
    return received.ticket


def db_outcome(ticket, days_later: float = 0):
    now = timezone.now() + dt.timedelta(days=days_later)
    outcome = outcomes_for([ticket.pk], now=now, assume_days=3, reopen_days=7).get(ticket.pk)
    return outcome.klass if outcome else None


@pytest.mark.django_db
def test_db_customer_closes_and_rates(ai_answered, customer):
    assert db_outcome(ai_answered) == "pending"
    assert db_outcome(ai_answered, days_later=4) == "assumed"
    ticket = portal_close(customer=customer, ticket=ai_answered)
    assert db_outcome(ticket) == "confirmed"
    survey = csat_send(ticket=ticket)
    csat_record(token=survey.token, rating=5)
    assert db_outcome(ticket) == "confirmed"


@pytest.mark.django_db
def test_db_thanks_then_back_again_is_reopened(ai_answered, customer):
    say = lambda text: conversation_receive(channel=TicketChannel.WEB, sender=customer, body_text=text,  # noqa: E731
                                            thread_hint=ai_answered)  # fmt: skip
    say("Thanks, that helped!")
    assert db_outcome(ai_answered) == "confirmed"
    say("Sorry, it stopped working again.")
    assert db_outcome(ai_answered) == "reopened"


@pytest.mark.django_db
def test_db_follow_up_of_a_closed_conversation_is_reopened(ai_answered, customer):
    ticket = ticket_transition(ticket=ai_answered, to_status="closed", actor_label="system")
    follow_up = conversation_receive(channel=TicketChannel.WEB, sender=customer, body_text="Same issue again",
                                     thread_hint=ticket)  # fmt: skip
    assert follow_up.ticket.follow_up_of_id == ticket.pk
    # Back within the assume window, without saying it helped: the answer did not resolve it.
    assert db_outcome(ticket) == "unresolved"
    # With no assume window the silence had made it "assumed": then the follow-up reopens it.
    assert outcome_classify(
        timelines_load([ticket.pk])[ticket.pk], now=timezone.now() + dt.timedelta(days=5), assume_days=0,
        reopen_days=7,
    ).klass == "reopened"  # fmt: skip


@pytest.mark.django_db
def test_db_agent_takes_over(ai_answered, agent):
    reply_send(ticket=ai_answered, author_kind="agent", author_agent=agent, body_text="Let me check that.")
    assert db_outcome(ai_answered) == "escalated"
