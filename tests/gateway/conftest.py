"""Fixtures for the gateway tests: the scripted OpenAI-compatible peer and a failing PII engine."""

import pytest
from presidio_analyzer import LocalRecognizer

from gateway.pii import engine as engine_module
from gateway.pii.engine import build_engine
from tests.fixtures.answer_helpers import patient_pii  # noqa: F401
from tests.llm_peer import llm_peer  # noqa: F401  (registers the fixture)


class ExplodingRecognizer(LocalRecognizer):
    """A recognizer that crashes on every text, like a broken model file."""

    def __init__(self):
        super().__init__(supported_entities=["PERSON"], supported_language="en", name="exploding")

    def load(self):
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        raise RuntimeError("recognizer crashed")


@pytest.fixture
def broken_pii_engine(monkeypatch):
    """The process-wide PII engine replaced by one whose analysis always fails."""
    broken = build_engine("no-such-spacy-model", extra_recognizers=[ExplodingRecognizer()])
    monkeypatch.setattr(engine_module, "_engine", broken)
    return broken
