"""Fixtures for the ai tests. ``llm_peer``: a scripted OpenAI-compatible server (tests/llm_peer.py)."""

from tests.fixtures.answer_helpers import ai_inbound_on, help_center, make_ticket, patient_pii  # noqa: E402, F401
from tests.llm_peer import llm_peer  # noqa: F401  (registers the fixture)
