"""Handoff rules (pure) and the handoff service (routing, summary note, customer notice, idempotency)."""

from __future__ import annotations

import datetime as dt

import pytest

from ai.models import AIInteraction, HandoffRule
from ai.pipelines.answer import Answer
from ai.pipelines.handoff import HandoffContext, HandoffMatch, asks_for_human, first_matching_rule
from ai.services.answers import answer_apply
from ai.services.handoff import customer_notice
from helpdesk.models import Message

pytestmark = pytest.mark.django_db


def rule(kind, *, keywords="", params=None, active=True, **extra):
    return HandoffRule.objects.create(
        name=kind, kind=kind, keywords=keywords, params=params or {}, is_active=active, position=0, **extra
    )


def match(rules, **context):
    return first_matching_rule(rules, HandoffContext(**{"text": "", **context}))


def test_default_rules_are_installed_and_editable():
    kinds = set(HandoffRule.objects.values_list("kind", flat=True))
    assert {"keyword", "asks_for_human", "negative_sentiment", "repeated_question", "low_confidence"} <= kinds


def test_keyword_rule_matches_whole_words_only():
    refund = rule("keyword", keywords="refund, lawyer")
    assert match([refund], text="I want a REFUND now").reason == "keyword: refund"
    assert match([refund], text="My refundable deposit?") is None


@pytest.mark.parametrize(
    "text",
    [
        "Can I speak to a human please?",
        "I want to talk to a real person",
        "Ich möchte mit einem Menschen sprechen",
    ],
)
def test_asks_for_a_person_in_several_languages(text):
    assert asks_for_human(text)
    assert match([rule("asks_for_human")], text=text).kind == "asks_for_human"


def test_asking_how_a_feature_works_is_not_asking_for_a_person():
    assert asks_for_human("How do I add a person to my team account?") is None


def test_negative_sentiment_rule_uses_the_given_score_or_computes_one():
    angry = rule("negative_sentiment", params={"max_score": -0.5})
    assert match([angry], text="fine", sentiment_score=-0.8)
    assert match([angry], text="fine", sentiment_score=0.1) is None
    assert match([angry], text="This is terrible, awful and the worst service ever, I hate it", language="en")


def test_repeated_question_rule():
    repeated = rule("repeated_question", params={"min_similarity": 0.6})
    earlier = ["How do I reset my password on the website?"]
    assert match([repeated], text="how do I reset my password on the website", previous_questions=earlier)
    assert (
        match([repeated], text="Where is my parcel being shipped from?", previous_questions=earlier) is None
    )


def test_low_retrieval_score_rule_waits_for_retrieval():
    low = rule("low_confidence", params={"min_cosine": 0.3})
    assert match([low], text="x", top_cosine=None) is None
    assert match([low], text="x", top_cosine=0.1).reason == "low retrieval score 0.10"
    assert match([low], text="x", top_cosine=0.5) is None


def test_business_hours_rule_inside_and_outside():
    hours = {"time_zone": "Europe/Berlin", "hours": {"mon": [["09:00", "17:00"]]}}
    monday_noon = dt.datetime(2026, 11, 30, 11, 0, tzinfo=dt.UTC)  # 12:00 in Berlin
    monday_night = dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC)
    outside = rule("business_hours", params={**hours, "when": "outside"})
    inside = rule("business_hours", params={**hours, "when": "inside"})
    assert match([outside], text="x", now=monday_night).reason == "outside business hours"
    assert match([outside], text="x", now=monday_noon) is None
    assert match([inside], text="x", now=monday_noon).reason == "inside business hours"


def test_inactive_rules_never_match_and_order_decides():
    off = rule("keyword", keywords="refund", active=False)
    assert match([off], text="refund") is None
    first, second = rule("keyword", keywords="cancel"), rule("asks_for_human")
    assert match([first, second], text="cancel it, let me talk to a person").rule_id == first.pk


def test_customer_notice_is_in_the_customers_language_and_per_channel():
    assert "support team" in customer_notice(language="en")
    assert "email" in customer_notice(language="en", channel="email")
    assert customer_notice(language="en", custom="We call you back.") == "We call you back."


def _handoff_answer(team_id=None, custom=""):
    return Answer(
        text="", citations=[], confidence=0.1, decision="handed_off", reason="rule: keyword: refund",
        language="en", mode="extractive", redacted_input="I want a refund",
        handoff=HandoffMatch(rule_id=None, rule_name="r", kind="keyword", reason="keyword: refund",
                             target_team_id=team_id, customer_message=custom),
    )  # fmt: skip


def test_handoff_routes_to_the_rules_team_notes_the_summary_and_tells_the_customer_once(ticket, other_team):
    message = ticket.messages.get(seq=1)
    ticket.ai_summary = "Problem: wants a refund."
    ticket.save(update_fields=["ai_summary"])
    answer = _handoff_answer(team_id=other_team.pk, custom="A billing specialist will reply today.")
    interaction = answer_apply(ticket=ticket, message=message, answer=answer)
    again = answer_apply(ticket=ticket, message=message, answer=answer)
    assert again.pk == interaction.pk
    ticket.refresh_from_db()
    assert ticket.team == other_team
    ai_messages = list(ticket.messages.filter(author_kind=Message.AuthorKind.AI).order_by("seq"))
    assert [m.is_internal for m in ai_messages] == [True, False]
    assert (
        "Problem: wants a refund." in ai_messages[0].body_text and "handoff rule" in ai_messages[0].body_text
    )
    assert ai_messages[1].body_text == "A billing specialist will reply today."
    assert interaction.decision == AIInteraction.Decision.HANDED_OFF
    assert interaction.reply_message == ai_messages[1]
