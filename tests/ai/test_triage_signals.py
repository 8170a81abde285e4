"""Language, sentiment and urgency signals (English and German)."""

from __future__ import annotations

import pytest

from ai.models.triage import DEFAULT_HIGH_KEYWORDS, DEFAULT_URGENT_KEYWORDS
from ai.pipelines.triage.signals import analyse_sentiment, assess_urgency, detect_language, keyword_in

URGENT = DEFAULT_URGENT_KEYWORDS.splitlines()
HIGH = DEFAULT_HIGH_KEYWORDS.splitlines()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I cannot find the invoice for last month, could you send it again?", "en"),
        ("Ich finde die Rechnung vom letzten Monat nicht, können Sie sie noch einmal schicken?", "de"),
        ("Je ne trouve pas la facture du mois dernier, pouvez-vous la renvoyer ?", "fr"),
    ],
)
def test_language_is_one_of_the_configured(text, expected):
    code, probability = detect_language(text, ["en", "de", "fr", "es"])
    assert code == expected and probability > 0.5


def test_language_outside_the_configured_set_maps_to_the_nearest_configured():
    code, _probability = detect_language("Ik kan mijn factuur niet vinden", ["en", "de"])
    assert code in {"en", "de"}


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        ("Thank you so much, your team was wonderful!", "en", "positive"),
        ("This is terrible, I am furious and want to cancel.", "en", "negative"),
        ("I placed the order on Monday.", "en", "neutral"),
        ("Danke, das war super hilfreich!", "de", "positive"),
        ("Das ist eine Frechheit, ich bin total verärgert.", "de", "negative"),
        ("Das ist nicht gut.", "de", "negative"),
    ],
)
def test_sentiment_english_with_vader_and_german_with_the_lexicon(text, language, label):
    result = analyse_sentiment(text, language)
    assert result.label == label
    assert result.method == ("vader" if language == "en" else "lexicon")


@pytest.mark.parametrize(
    ("text", "vip", "expected"),
    [
        ("The whole site is down for all our users", False, "urgent"),
        ("I can't log in since this morning", False, "urgent"),
        ("I can’t log in since this morning", False, "urgent"),  # typographic apostrophe
        ("Die Seite ist ausgefallen, bitte dringend helfen", False, "urgent"),
        ("I was charged twice", False, "high"),
        ("How do I change my avatar?", False, "normal"),
        ("How do I change my avatar?", True, "high"),
        ("Our whole shop is down", True, "urgent"),
        ("Download the invoice please", False, "normal"),  # "down" is a whole word only
    ],
)
def test_urgency_rules_and_vip(text, vip, expected):
    assert assess_urgency(text, urgent_keywords=URGENT, high_keywords=HIGH, is_vip=vip).priority == expected


def test_very_negative_tone_raises_normal_to_high():
    result = assess_urgency("hello", urgent_keywords=[], high_keywords=[], sentiment_score=-0.8)
    assert (result.priority, result.reason) == ("high", "very negative tone")


def test_keyword_matching_is_case_insensitive_and_whole_word():
    assert keyword_in("Account HACKED!", "hacked")
    assert not keyword_in("unhacked", "hacked")
