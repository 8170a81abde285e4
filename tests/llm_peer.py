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

import base64
import hashlib
import json
import math
import re
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

CHAT_PATH = "/v1/chat/completions"
EMBEDDINGS_PATH = "/v1/embeddings"
MODELS_PATH = "/v1/models"
DEFAULT_EMBEDDING_DIMENSIONS = 1536
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class RecordedRequest:
    """One request as the peer received it."""

    method: str
    path: str
    headers: dict[str, str]
    raw_body: bytes
    body: Any
    received_at: float

    @property
    def messages(self) -> list[dict]:
        return list((self.body or {}).get("messages") or [])

    @property
    def prompt_text(self) -> str:
        """Every message's text content joined, for asserting what reached the model."""
        return "\n".join(_content_text(message.get("content")) for message in self.messages)

    @property
    def last_user_text(self) -> str:
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return _content_text(message.get("content"))
        return ""

    @property
    def response_format_type(self) -> str | None:
        response_format = (self.body or {}).get("response_format")
        return response_format.get("type") if isinstance(response_format, dict) else None


@dataclass
class Reply:
    """A successful chat completion. ``chunks`` sets how a streamed reply is split."""

    content: str
    model: str | None = None
    finish_reason: str = "stop"
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    chunks: list[str] | None = None


@dataclass
class Fault:
    """An error or misbehaviour instead of a reply."""

    kind: str  # "status", "malformed_json", "hang_stream", "hang"
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    keepalive_interval: float | None = None


Responder = Callable[[RecordedRequest], "Reply | Fault | str | dict | list"]


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}]
        return "\n".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def count_tokens(text: str) -> int:
    """A deterministic stand-in for a tokenizer: words and punctuation marks."""
    return len(re.findall(r"\w+|[^\w\s]", text, re.UNICODE))


def error_body(message: str, *, type_: str, code: str | None = None, param: str | None = None) -> dict:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def embedding_vector(text: str, dimensions: int) -> list[float]:
    """Deterministic, unit-length, and similar for texts that share words (signed feature hashing)."""
    vector = [0.0] * dimensions
    tokens = [token.lower() for token in _WORD.findall(text)] or [text]
    for token in tokens:
        digest = hashlib.sha256(token.encode()).digest()
        index = int.from_bytes(digest[:4], "big") % dimensions
        vector[index] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / norm for value in vector]


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


class _Handler(BaseHTTPRequestHandler):
    peer: LLMPeer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    # --- routing ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        request = self._read_request()
        if request.path == MODELS_PATH:
            data = [
                {"id": name, "object": "model", "created": 0, "owned_by": "llm-peer"}
                for name in self.peer.models
            ]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_json(404, error_body(f"Unknown path {request.path}", type_="invalid_request_error"))

    def do_POST(self) -> None:
        request = self._read_request()
        if request.body is None:
            self._send_json(400, error_body("Request body is not valid JSON.", type_="invalid_request_error"))
        elif request.path == CHAT_PATH:
            self._chat_completion(request)
        elif request.path == EMBEDDINGS_PATH:
            self._embeddings(request)
        else:
            self._send_json(404, error_body(f"Unknown path {request.path}", type_="invalid_request_error"))

    def _read_request(self) -> RecordedRequest:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        request = RecordedRequest(
            method=self.command,
            path=self.path.split("?", 1)[0],
            headers={key.lower(): value for key, value in self.headers.items()},
            raw_body=raw,
            body=body,
            received_at=time.monotonic(),
        )
        self.peer._record(request)
        return request

    # --- chat completions ------------------------------------------------------------------

    def _chat_completion(self, request: RecordedRequest) -> None:
        format_type = request.response_format_type
        if format_type in self.peer.unsupported_response_formats:
            # Does not consume a scripted step: this models what the server can do, not one answer.
            message = f"Invalid parameter: 'response_format' of type '{format_type}' is not supported with this model."
            body = error_body(
                message, type_="invalid_request_error", param="response_format", code="unsupported_value"
            )
            self._send_json(400, body)
            return
        step = self.peer._next_step()
        if callable(step) and not isinstance(step, Reply | Fault):
            step = step(request)
        if step is None:
            message = "llm_peer: no scripted response for this request (queue a reply or set_default)."
            self._send_json(
                400, error_body(message, type_="invalid_request_error", code="llm_peer_unscripted")
            )
            return
        if isinstance(step, Fault):
            self._send_fault(step, request)
            return
        reply = (
            step
            if isinstance(step, Reply)
            else Reply(content=step if isinstance(step, str) else json.dumps(step))
        )
        if request.body.get("stream"):
            self._stream_reply(reply, request)
        else:
            self._send_json(200, self._completion_body(reply, request))

    def _usage(self, reply: Reply, request: RecordedRequest) -> dict:
        prompt = reply.prompt_tokens if reply.prompt_tokens is not None else count_tokens(request.prompt_text)
        completion = (
            reply.completion_tokens if reply.completion_tokens is not None else count_tokens(reply.content)
        )
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    def _completion_body(self, reply: Reply, request: RecordedRequest) -> dict:
        return {
            "id": f"chatcmpl-peer-{len(self.peer.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": reply.model or request.body.get("model") or "llm-peer",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content, "refusal": None},
                    "finish_reason": reply.finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": self._usage(reply, request),
        }

    def _stream_reply(self, reply: Reply, request: RecordedRequest) -> None:
        self._start_event_stream()
        base = {
            "id": f"chatcmpl-peer-{len(self.peer.requests)}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": reply.model or request.body.get("model") or "llm-peer",
        }
        pieces = reply.chunks if reply.chunks is not None else re.findall(r"\S+\s*|\s+", reply.content)
        first = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        self._send_event({**base, "choices": [first]})
        for piece in pieces:
            self._send_event(
                {**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
            )
        self._send_event(
            {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]}
        )
        if (request.body.get("stream_options") or {}).get("include_usage"):
            self._send_event({**base, "choices": [], "usage": self._usage(reply, request)})
        self._send_chunk(b"data: [DONE]\n\n")
        self._send_chunk(b"")  # end of chunked body

    # --- faults ----------------------------------------------------------------------------

    def _send_fault(self, fault: Fault, request: RecordedRequest) -> None:
        if fault.kind == "status":
            self._send_json(fault.status, fault.body, headers=fault.headers)
        elif fault.kind == "malformed_json":
            self._send_raw(200, b'{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"ind')
        elif fault.kind == "hang_stream":
            self._start_event_stream()
            self._hold_connection(fault.keepalive_interval)
        elif fault.kind == "hang":
            self._hold_connection(None)
        else:  # pragma: no cover - programming error in a test
            raise ValueError(f"unknown fault {fault.kind}")

    def _hold_connection(self, keepalive_interval: float | None) -> None:
        """Keep the connection open until the client gives up or the peer stops."""
        self.close_connection = True
        wait = keepalive_interval if keepalive_interval else 0.05
        while not self.peer._stopping.wait(wait):
            if keepalive_interval:
                try:
                    self._send_chunk(b": keep-alive\n\n")
                except OSError:  # the client closed the connection: it cut the stream
                    return

    # --- low-level writing -----------------------------------------------------------------

    def _send_json(self, status: int, body: Any, *, headers: dict | None = None) -> None:
        self._send_raw(status, json.dumps(body).encode(), headers=headers)

    def _send_raw(self, status: int, payload: bytes, *, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _start_event_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def _send_event(self, data: dict) -> None:
        self._send_chunk(b"data: " + json.dumps(data).encode() + b"\n\n")

    def _send_chunk(self, payload: bytes) -> None:
        self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
        self.wfile.flush()

    # --- embeddings ------------------------------------------------------------------------

    def _embeddings(self, request: RecordedRequest) -> None:
        step_inputs = request.body.get("input")
        inputs = [step_inputs] if isinstance(step_inputs, str) else list(step_inputs or [])
        if not inputs or not all(isinstance(item, str) for item in inputs):
            self._send_json(
                400,
                error_body("'input' must be a string or a list of strings.", type_="invalid_request_error"),
            )
            return
        dimensions = int(request.body.get("dimensions") or self.peer.embedding_dimensions)
        as_base64 = request.body.get("encoding_format") == "base64"
        data = []
        for index, text in enumerate(inputs):
            vector = embedding_vector(text, dimensions)
            encoded: Any = (
                base64.b64encode(struct.pack(f"<{dimensions}f", *vector)).decode() if as_base64 else vector
            )
            data.append({"object": "embedding", "index": index, "embedding": encoded})
        tokens = sum(count_tokens(text) for text in inputs)
        body = {
            "object": "list",
            "data": data,
            "model": request.body.get("model") or "text-embedding-3-small",
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
        self._send_json(200, body)


@pytest.fixture
def llm_peer(settings):
    """A started LLMPeer with Django settings pointing the provider at it (fast retries, short timeouts)."""
    from ai.llm.client import close_clients
    from ai.llm.structured import forget_unsupported

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
