"""Fixtures for the ai tests. ``llm_peer``: a scripted OpenAI-compatible server (tests/llm_peer.py)."""

from tests.llm_peer import llm_peer  # noqa: F401  (registers the fixture)
