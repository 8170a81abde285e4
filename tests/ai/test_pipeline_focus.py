"""The focused question: a greeting line and a sign-off are not what a customer asks."""

from __future__ import annotations

import pytest

from ai.pipelines.answer import AnswerRequest, answer_question
from ai.pipelines.focus import focus_question

QUESTION = "How long is the password reset link valid?"


@pytest.mark.parametrize(
    ("message", "focused"),
    [
        (
            "Hello,\n\nmy bike arrived damaged. What now?\n\nThanks,\nSophie",
            "my bike arrived damaged. What now?",
        ),
        (
            "Hi team,\nHow long is the link valid?\nBest regards,\nSophie Turner",
            "How long is the link valid?",
        ),
        (
            "Dear Sir or Madam,\nI want to return my helmet.\nYours sincerely,\n<PERSON_1>",
            "I want to return my helmet.",
        ),
        ("Hi there!\nWhere is my order?\nThanks a lot\nMaya", "Where is my order?"),
        ("Hallo,\n\nwie lange ist der Link gültig?\n\nViele Grüße\nAnna", "wie lange ist der Link gültig?"),
        (
            "Bonjour,\nJe voudrais retourner mon vélo.\nCordialement,\nMarie Dupont",
            "Je voudrais retourner mon vélo.",
        ),
        ("Hola,\n¿Cuándo llega mi pedido?\nSaludos", "¿Cuándo llega mi pedido?"),
        ("Hey\nwhat does E07 mean?\nthanks", "what does E07 mean?"),
        # A closing followed by a company line is still a sign-off.
        (
            "Hello <PERSON_1>,\nI need help\n\nthank you in advance!\n<PERSON_2>\nNorthwind Fan Club",
            "I need help",
        ),
        # A greeting sharing its line with the problem: the greeting goes, the problem stays.
        ("Hi, my bike won't charge\nI tried two chargers.", "my bike won't charge\nI tried two chargers."),
        # One-line (chat) messages: a greeting ending in punctuation, a thank-you at the end.
        ("Hi! hw can i cancel purchase 113542617735902 Thanks!", "hw can i cancel purchase 113542617735902"),
        ("Hey there! where is my order? Thanks in advance!", "where is my order?"),
        ("Hallo, wie lange ist der Link gültig? Danke!", "wie lange ist der Link gültig?"),
        ("Hi! create user Thanks!", "create user"),
    ],
)
def test_the_greeting_line_and_the_sign_off_are_cut(message, focused):
    assert focus_question(message) == focused


@pytest.mark.parametrize(
    "message",
    [
        "Hi Anna how are you",  # no punctuation after the greeting: not an opening
        "I want to say thanks",  # a last word, not a sign-off ("... thanks!" would be one)
        "which one is the best.",
        "Hi! Thanks!",  # nothing would be left
        "Thanks! One more question: how long is the warranty?",  # one line: nothing to cut
        "Best bike ever. But the battery is weak.\nHow can I fix it?",
        "I reset the password.\nThanks, but it still doesn't work",  # a "thanks" that says something
        "Thanks!",  # nothing but a closing: kept, never emptied
        "",
    ],
)
def test_words_that_carry_the_question_are_kept(message):
    assert focus_question(message) == message


def test_a_closing_that_wishes_a_nice_day_is_still_a_closing():
    assert (
        focus_question("Where is my order?\nThanks a lot and have a nice day,\nMaya") == "Where is my order?"
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("patient_pii")
@pytest.mark.parametrize(
    "polite",
    [f"Hello,\n\n{QUESTION}\n\nThanks a lot and have a nice day,\nMaya", f"Hi! {QUESTION} Thanks!"],
)
def test_a_polite_message_is_answered_as_surely_as_the_bare_question(help_center, polite):
    bare = answer_question(AnswerRequest(question=QUESTION, known_language="en"), threshold=0.0)
    answer = answer_question(AnswerRequest(question=polite, known_language="en"), threshold=0.0)
    assert answer.decision == bare.decision == "answered"
    assert answer.confidence == pytest.approx(bare.confidence, abs=1e-3)
    assert answer.citations[0]["article_id"] == bare.citations[0]["article_id"] == help_center["password"].pk
    # What was asked is on record whole; only the scoring read the focused text.
    assert "Thanks" in answer.redacted_input
