"""The scripted server object: queues replies and faults, records requests, runs the HTTP server."""

from __future__ import annotations

import json
import threading
from collections import deque
from http.server import ThreadingHTTPServer
from typing import Any

from tests.llm_peer.handler import _Handler
from tests.llm_peer.scripting import (
    CHAT_PATH,
    DEFAULT_EMBEDDING_DIMENSIONS,
    EMBEDDINGS_PATH,
    Fault,
    RecordedRequest,
    Reply,
    Responder,
    error_body,
)


class LLMPeer:
    """Scripted OpenAI-compatible server. Thread-safe; one instance per test."""

    def __init__(
        self,
        *,
        models: tuple[str, ...] = ("gpt-4o-mini", "text-embedding-3-small"),
        embedding_dimensions: int = DEFAULT_EMBEDDING_DIMENSIONS,
    ) -> None:
        self.models = list(models)
        self.embedding_dimensions = embedding_dimensions
        self.requests: list[RecordedRequest] = []
        self.unsupported_response_formats: set[str] = set()
        self._script: deque[Reply | Fault | Responder] = deque()
        self._default: Reply | Fault | Responder | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> LLMPeer:
        handler = type("LLMPeerHandler", (_Handler,), {"peer": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="llm-peer", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases handlers that hold a hanging connection
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LLMPeer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the peer first"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # --- scripting -------------------------------------------------------------------------

    def reply(self, content: str, **options: Any) -> None:
        """Queue a text reply for the next chat completion (streamed if the request streams)."""
        self._enqueue(Reply(content=content, **options))

    def reply_json(self, value: Any, **options: Any) -> None:
        """Queue a structured-output reply: ``value`` serialised as the message content."""
        self._enqueue(Reply(content=json.dumps(value), **options))

    def reply_with(self, responder: Responder) -> None:
        """Queue a function of the request; it returns a str, a JSON value, a Reply or a Fault."""
        self._enqueue(responder)

    def set_default(self, step: Reply | Fault | Responder | str | None) -> None:
        """What chat completions get once the queue is empty (None: a 400 'nothing scripted')."""
        self._default = Reply(content=step) if isinstance(step, str) else step

    def fail(self, status: int, *, message: str = "scripted failure", headers: dict | None = None) -> None:
        if status == 429:
            type_ = "rate_limit_error"
        else:
            type_ = "server_error" if status >= 500 else "invalid_request_error"
        self._enqueue(
            Fault("status", status=status, body=error_body(message, type_=type_), headers=headers or {})
        )

    def rate_limit(
        self, *, retry_after_ms: int | None = None, retry_after_s: int | None = None, times: int = 1
    ) -> None:
        headers = {}
        if retry_after_ms is not None:
            headers["retry-after-ms"] = str(retry_after_ms)
        if retry_after_s is not None:
            headers["retry-after"] = str(retry_after_s)
        for _ in range(times):
            self.fail(429, message="Rate limit reached, slow down.", headers=headers)

    def server_error(self, *, times: int = 1, status: int = 500) -> None:
        for _ in range(times):
            self.fail(status, message="The server had an error while processing your request.")

    def malformed_json(self) -> None:
        """A 200 response whose JSON body is cut off."""
        self._enqueue(Fault("malformed_json"))

    def hang_stream(self, *, keepalive_interval: float | None = None) -> None:
        """Start an SSE stream and never finish it: silence, or ': keep-alive' comments forever."""
        self._enqueue(Fault("hang_stream", keepalive_interval=keepalive_interval))

    def hang(self) -> None:
        """Accept the request and never answer it (the client's read timeout must fire)."""
        self._enqueue(Fault("hang"))

    def reject_response_format(self, *types: str) -> None:
        """Behave like a server without structured outputs: 400 for these response_format types."""
        self.unsupported_response_formats.update(types or ("json_schema",))

    def _enqueue(self, step: Reply | Fault | Responder) -> None:
        with self._lock:
            self._script.append(step)

    def _next_step(self) -> Reply | Fault | Responder | None:
        with self._lock:
            return self._script.popleft() if self._script else self._default

    @property
    def pending(self) -> int:
        """Scripted steps not yet consumed."""
        with self._lock:
            return len(self._script)

    # --- inspection ------------------------------------------------------------------------

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == CHAT_PATH]

    @property
    def embedding_requests(self) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == EMBEDDINGS_PATH]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)
