"""What tests script and what the peer records: replies, faults, recorded requests."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
