"""Answers with history reuse each earlier message's stored PII analysis (gateway.llm.turn_cache)."""

from __future__ import annotations

import pytest

from ai.services.answers import inbound_answer
from ai.services.redaction_cache import message_scope
from ai.tasks.inbound import handle_inbound
from gateway.models import TurnAnalysis
from gateway.pii import get_engine
from gateway.pii.engine import AnalysisCache
from helpdesk.services.messages import message_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]
FIRST = "Hi, Maria Jensen here. How long is the password reset link valid?"
SECOND = "Thanks. And how do I request a new password reset link if mine expired?"


def test_a_follow_up_answer_analyses_only_the_new_message(help_center, make_ticket, customer, monkeypatch):
    ticket = make_ticket(FIRST)
    first = ticket.messages.get(seq=1)
    handle_inbound(ticket.pk, first.pk)
    assert TurnAnalysis.objects.filter(scope=message_scope(first.pk)).exists()

    follow_up = message_post(
        ticket=ticket, author_kind="customer", author_customer=customer, body_text=SECOND
    )
    engine = get_engine()
    monkeypatch.setattr(engine, "analyses", AnalysisCache())  # a freshly started worker
    analysed = []
    real = engine.analyze
    monkeypatch.setattr(engine, "analyze", lambda text: analysed.append(text) or real(text))
    inbound_answer(ticket=ticket, message=follow_up)  # the answer itself (triage is not measured here)

    assert FIRST not in analysed  # read as history, from its stored analysis
    assert SECOND in analysed
    scopes = set(TurnAnalysis.objects.values_list("scope", flat=True))
    assert {message_scope(first.pk), message_scope(follow_up.pk)} <= scopes
