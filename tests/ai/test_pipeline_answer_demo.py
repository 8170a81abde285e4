"""The demo help center's own questions: answered at the shipped threshold, or handed off when off-topic.

The articles are the demo company's (demo/knowledge_content), published and indexed through the
services; the threshold is the one AISettings ships with, not one chosen for the test.
"""

from __future__ import annotations

import pytest

from ai.models import AISettings
from ai.pipelines.answer import AnswerRequest, answer_question
from demo.knowledge_articles import ARTICLES
from tests.fixtures.answer_helpers import publish_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]
USED = ("app-login-password-reset", "delivery-times", "refund-timing", "battery-care", "app-two-factor")


@pytest.fixture
def demo_help_center(db):
    return {a.slug: publish_article(a.title, a.body) for a in ARTICLES if a.slug in USED}


DEMO_QUESTION = "reset email never arrives, how long is the link valid?"


def test_the_demo_question_quotes_the_answering_sentence(demo_help_center):
    answer = answer_question(AnswerRequest(question=DEMO_QUESTION, known_language="en"), threshold=0.0)
    assert answer.decision == "answered", answer.reason
    assert "30 minutes" in answer.text
    assert answer.citations[0]["article_id"] == demo_help_center["app-login-password-reset"].pk
    # Minimal span: the answering sentence(s), not the whole article.
    assert len(answer.redacted_output) < len(demo_help_center["app-login-password-reset"].body_md) / 2


@pytest.mark.xfail(
    strict=True,
    reason="known gap (issue 13): the right sentences are quoted, but the confidence calibrated across "
    "MTRAG, Bitext and the demo KB is 0.78 for it (2026-12-04; ~0.83 with the first BM25 coverage "
    "fit, ~0.76 before it), below the shipped 0.89, the worst-case threshold (docs/ai-answers.md)",
)
def test_the_demo_question_is_answered_at_the_shipped_threshold(demo_help_center):
    threshold = AISettings.load().confidence_threshold
    answer = answer_question(AnswerRequest(question=DEMO_QUESTION, known_language="en"))
    assert answer.decision == "answered", (answer.reason, answer.confidence, threshold, answer.signals)


def test_a_follow_up_is_answered_from_the_dialogue(demo_help_center):
    answer = answer_question(
        AnswerRequest(
            question="and how long is it valid?",
            history=[{"role": "user", "text": "I requested a new password for the app"}],
            known_language="en",
            apply_rules=False,  # the admin's handoff rules are not what this test is about
        ),
        threshold=0.0,
    )
    assert answer.decision == "answered", (answer.reason, answer.signals)
    assert answer.citations[0]["article_id"] == demo_help_center["app-login-password-reset"].pk
    assert answer.signals["history"] > 0.0


def test_an_off_topic_question_is_not_answered_at_the_shipped_threshold(demo_help_center):
    answer = answer_question(
        AnswerRequest(
            question="Can you recommend a good restaurant in Leeds for tonight?", known_language="en"
        )
    )
    assert answer.decision != "answered"
