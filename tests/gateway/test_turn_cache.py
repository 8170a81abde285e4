"""Stored PII analyses per conversation turn: each message is analysed once, whatever the process."""

from __future__ import annotations

import json

import pytest

from gateway.llm.turn_cache import analyses_load, analyses_store, turn_analyses, turn_digest
from gateway.models import TurnAnalysis
from gateway.pii import RedactionMap, Redactor, get_engine
from gateway.pii.engine import AnalysisCache

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]
TEXT = "Hi, this is Maria Jensen, call me on +49 151 2345 6789 about order 5521 please."


@pytest.fixture
def fresh_process(monkeypatch):
    """The engine as a newly started worker has it: nothing analysed in memory. Counts analyses."""
    engine = get_engine()
    monkeypatch.setattr(engine, "analyses", AnalysisCache())
    calls = []
    real = engine.analyze
    monkeypatch.setattr(engine, "analyze", lambda text: calls.append(text) or real(text))
    return calls


def restart(monkeypatch):
    monkeypatch.setattr(get_engine(), "analyses", AnalysisCache())


def test_a_turn_is_analysed_once_across_processes(fresh_process, monkeypatch):
    turns = {"helpdesk.message:1": TEXT}
    with turn_analyses(turns):
        first = Redactor().redact(TEXT)
    assert fresh_process == [TEXT]
    assert TurnAnalysis.objects.get(scope="helpdesk.message:1").digest == turn_digest(TEXT)

    restart(monkeypatch)  # another worker, or the same one after a restart
    with turn_analyses(turns):
        second = Redactor().redact(TEXT)
    assert fresh_process == [TEXT]  # not analysed again
    assert first == second and "Maria Jensen" not in second and "2345 6789" not in second


def test_stored_rows_hold_offsets_never_the_text_or_its_values(fresh_process):
    with turn_analyses({"helpdesk.message:2": TEXT}):
        Redactor().redact(TEXT)
    row = TurnAnalysis.objects.get(scope="helpdesk.message:2")
    stored = json.dumps([row.scope, row.digest, row.findings])
    assert row.findings and "Maria" not in stored and "2345" not in stored and "5521" not in stored
    assert all(isinstance(kind, str) and isinstance(start, int) for kind, start, _end, _score in row.findings)


def test_an_edited_message_is_analysed_again_and_its_row_replaced(fresh_process, monkeypatch):
    with turn_analyses({"helpdesk.message:3": TEXT}):
        Redactor().redact(TEXT)
    edited = TEXT.replace("Maria Jensen", "Olaf Brandt")
    restart(monkeypatch)
    with turn_analyses({"helpdesk.message:3": edited}):
        redacted = Redactor().redact(edited)
    assert fresh_process == [TEXT, edited] and "Olaf Brandt" not in redacted
    assert TurnAnalysis.objects.filter(scope="helpdesk.message:3").count() == 1
    assert TurnAnalysis.objects.get(scope="helpdesk.message:3").digest == turn_digest(edited)


def test_a_stale_row_is_never_used(fresh_process, monkeypatch):
    """A row whose digest does not match (another text, another engine version) is ignored."""
    TurnAnalysis.objects.create(scope="helpdesk.message:4", digest="0" * 64, findings=[])
    assert analyses_load({"helpdesk.message:4": TEXT}) == 0
    assert "Maria Jensen" not in Redactor().redact(TEXT)  # analysed for real: nothing was skipped


def test_values_learnt_later_are_still_swept_from_a_cached_turn(fresh_process, monkeypatch):
    """Only the analysis is cached: the conversation's map is applied on every redaction."""
    turn = "The parcel code is Quorvex and it never arrived."
    with turn_analyses({"helpdesk.message:5": turn}):
        Redactor().redact(turn)
    restart(monkeypatch)
    mapping = RedactionMap()
    mapping.placeholder_for("PERSON", "Quorvex", "customer")  # a later turn revealed it as a name
    with turn_analyses({"helpdesk.message:5": turn}):
        redacted = Redactor(mapping).redact(turn)
    assert "Quorvex" not in redacted and "<PERSON_1>" in redacted


def test_nothing_is_stored_for_a_turn_that_was_not_analysed(fresh_process):
    assert analyses_store({"helpdesk.message:6": "never redacted in this run"}) == 0
    assert not TurnAnalysis.objects.filter(scope="helpdesk.message:6").exists()
