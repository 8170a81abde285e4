"""A real OpenAI-compatible HTTP server for tests, scripted per test.

The server listens on 127.0.0.1 on a free port and speaks enough of the OpenAI API for the real
``openai`` client: chat completions (plain, SSE streaming, structured outputs), embeddings and the
model list. Tests queue what the next chat completion returns, or a fault, and afterwards inspect
every request the server received.

    peer = LLMPeer().start()
    peer.reply("Reset it from Settings > Password [1].")
    peer.rate_limit(retry_after_ms=20)        # fault for the next request
    peer.reply_json({"topic": "billing"})     # structured output
    peer.reply_with(lambda request: request.last_user_text.upper())
    ...
    peer.chat_requests[0].body["store"]       # what the client sent
    peer.stop()

Unscripted chat completions get a 400 error that says so (the client does not retry 400s), unless
``peer.set_default(...)`` gave a default reply.
"""

from __future__ import annotations

import pytest

from gateway.llm.client import close_clients
from gateway.llm.structured import forget_unsupported
from tests.llm_peer.peer import LLMPeer
from tests.llm_peer.scripting import Fault, RecordedRequest, Reply, embedding_vector

__all__ = ["Fault", "LLMPeer", "RecordedRequest", "Reply", "embedding_vector", "llm_peer"]


@pytest.fixture
def llm_peer(settings):
    """A started LLMPeer with Django settings pointing the provider at it (fast retries, short timeouts)."""
    forget_unsupported()  # ports are reused: a previous peer's capabilities must not leak in
    with LLMPeer() as peer:
        settings.OPENAI_API_KEY = "test-key-llm-peer"
        settings.OPENAI_BASE_URL = peer.base_url
        settings.OPENAI_TIMEOUT_S = 2.0
        settings.OPENAI_MAX_RETRIES = 2
        settings.OPENAI_RETRY_BACKOFF_S = 0.01
        settings.OPENAI_RETRY_MAX_DELAY_S = 0.2
        settings.OPENAI_STREAM_DEADLINE_S = 1.0
        yield peer
        close_clients()
    forget_unsupported()
