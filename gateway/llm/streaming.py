"""Streaming chat completions with an overall deadline.

A server can open a stream and then send nothing, or only keep-alive comments, forever. The
``openai`` iterator would block inside a read, so a small pump thread reads the stream into a
queue and the caller waits on the queue with the time left; at the deadline the response is closed
and the caller gets LLMUnavailable.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import openai

from gateway.llm.budget import ensure_generation_allowed, record_usage
from gateway.llm.client import openai_client, unusable_status, with_retries
from gateway.llm.config import model_for, provider_config
from gateway.llm.errors import LLMBadResponse, LLMError, LLMUnavailable
from gateway.llm.recorder import CallRecord
from gateway.llm.redaction import redact_messages_with_map
from gateway.llm.results import LLMResult
from gateway.pii import RedactionMap


class TextStream(Iterator[str]):
    """Iterate for text deltas. When the iteration ends normally, ``result`` holds the LLMResult
    (full text and token counts). ``text`` is what arrived so far."""

    def __init__(
        self,
        *,
        response: Any,
        feature: str,
        model: str,
        started: float,
        deadline_s: float,
        call: CallRecord | None = None,
    ) -> None:
        self.feature = feature
        self._call = call
        self.model = model
        self.result: LLMResult | None = None
        self.prompt_map: RedactionMap | None = None
        self._response = response
        self._started = started
        self._deadline = started + deadline_s
        self._deadline_s = deadline_s
        self._parts: list[str] = []
        self._usage: Any = None
        self._finish_reason = ""
        self._done = False
        self._events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._pump = threading.Thread(target=self._read, name="llm-stream", daemon=True)
        self._pump.start()

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def __iter__(self) -> TextStream:
        return self

    def __next__(self) -> str:
        while not self._done:
            remaining = self._deadline - time.monotonic()
            try:
                kind, value = self._events.get(timeout=max(remaining, 0))
            except queue.Empty:
                error = LLMUnavailable(f"the model's stream did not finish within {self._deadline_s:g}s")
                self._write_record(error)
                self.close()
                raise error
            if kind == "delta":
                self._parts.append(value)
                return value
            if kind == "chunk":
                self._absorb(value)
            elif kind == "end":
                self._finish()
            else:  # "error"
                self._write_record(value)
                self.close()
                raise value
        raise StopIteration

    def close(self) -> None:
        """Stop reading and release the connection (safe to call more than once)."""
        if not self._done:
            self._write_record(None, outcome="closed")
        self._done = True
        # Closing a broken connection may raise; that must not hide the error being reported.
        with contextlib.suppress(Exception):
            self._response.close()

    def __enter__(self) -> TextStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _read(self) -> None:
        try:
            for chunk in self._response:
                if self._done:
                    return
                for choice in chunk.choices or []:
                    content = choice.delta.content if choice.delta else None
                    if content:
                        self._events.put(("delta", content))
                self._events.put(("chunk", chunk))
            self._events.put(("end", None))
        except openai.APIConnectionError:
            self._events.put(("error", LLMUnavailable("the model server dropped the stream")))
        except (ValueError, openai.APIError) as error:
            self._events.put(("error", LLMBadResponse(f"the model's stream is malformed: {error}")))
        except Exception as error:  # after close() the transport raises whatever it likes
            if not self._done:
                self._events.put(("error", LLMUnavailable(f"the model's stream failed: {error!r}")))

    def _absorb(self, chunk: Any) -> None:
        if getattr(chunk, "usage", None) is not None:
            self._usage = chunk.usage
        if getattr(chunk, "model", None):
            self.model = chunk.model
        for choice in chunk.choices or []:
            if choice.finish_reason:
                self._finish_reason = choice.finish_reason

    def _finish(self) -> None:
        self._done = True
        prompt_tokens = int(getattr(self._usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(self._usage, "completion_tokens", 0) or 0)
        record_usage(feature=self.feature, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
        self.result = LLMResult(
            text=self.text,
            parsed=None,
            model=self.model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_ms=round((time.monotonic() - self._started) * 1000),
            feature=self.feature,
            finish_reason=self._finish_reason,
            prompt_map=self.prompt_map,
        )
        self._write_record(None)

    def _write_record(self, error: Exception | None, *, outcome: str = "ok") -> None:
        call, self._call = self._call, None  # once per stream
        if call is None:
            return
        call.model = self.model
        call.received = self.text
        if self.result is not None:
            call.prompt_tokens, call.completion_tokens = (
                self.result.prompt_tokens,
                self.result.completion_tokens,
            )
        if error is not None:
            outcome = getattr(error, "reason", "error")
        call.write(outcome=outcome, error="" if error is None else str(error))


def stream(
    *,
    feature: str,
    messages: Sequence[dict],
    temperature: float | None = None,
    max_tokens: int | None = None,
    model: str | None = None,
    deadline_s: float | None = None,
    redaction: RedactionMap | None = None,
) -> TextStream:
    """Start a streamed completion; iterate the result for text deltas.

    Opening the stream is retried like ``complete``; once text flows, a failure raises from the
    iteration (LLMUnavailable, LLMBadResponse) and the deltas already yielded stay with the caller.
    The whole stream must finish within ``deadline_s`` (default OPENAI_STREAM_DEADLINE_S). Every
    message content is redacted first, as in ``complete``; the call is recorded when it ends.
    """
    ensure_generation_allowed(feature)
    config = provider_config()
    model = model or model_for(feature)
    deadline_s = deadline_s if deadline_s is not None else config.stream_deadline_s
    call = CallRecord(kind="stream", feature=feature, model=model)
    try:
        safe_messages, used_map = redact_messages_with_map(messages, mapping=redaction)
    except LLMError as error:
        call.write(outcome=error.reason, error=str(error))
        raise
    call.sent = safe_messages
    request: dict[str, Any] = {
        "model": model,
        "messages": safe_messages,
        "stream": True,
        "stream_options": {"include_usage": True},
        # A read that waits longer than the whole deadline can never be useful.
        "timeout": openai.Timeout(min(config.timeout_s, deadline_s), connect=config.connect_timeout_s),
    }
    if temperature is not None:
        request["temperature"] = temperature
    if max_tokens is not None:
        request["max_tokens"] = max_tokens
    started = time.monotonic()
    try:
        response = _open_stream(config, request)
    except openai.APIStatusError as error:
        failure = unusable_status(error)
        call.write(outcome=failure.reason, error=str(failure))
        raise failure
    except LLMError as error:
        call.write(outcome=error.reason, error=str(error))
        raise
    text_stream = TextStream(
        response=response, feature=feature, model=model, started=started, deadline_s=deadline_s, call=call
    )
    text_stream.prompt_map = used_map  # so the result can put back values the gateway removed
    return text_stream


def _open_stream(config: Any, request: dict) -> Any:
    client = openai_client(config)
    try:
        return with_retries(config, lambda: client.chat.completions.create(store=False, **request))
    except ValueError as error:
        raise LLMBadResponse(f"the model server sent malformed JSON: {error}")
