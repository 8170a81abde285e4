"""The HTTP side: routes OpenAI API paths and writes JSON, SSE streams and faults."""

from __future__ import annotations

import base64
import json
import re
import struct
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from tests.llm_peer.scripting import (  # noqa: F401
    CHAT_PATH,
    EMBEDDINGS_PATH,
    MODELS_PATH,
    Fault,
    RecordedRequest,
    Reply,
    _content_text,
    count_tokens,
    embedding_vector,
    error_body,
)

if TYPE_CHECKING:
    from tests.llm_peer.peer import LLMPeer


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
