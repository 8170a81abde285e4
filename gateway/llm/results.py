"""What a provider call returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LLMResult:
    """One chat completion. ``parsed`` is the validated JSON value when a schema was requested."""

    text: str
    parsed: Any
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    feature: str = ""
    finish_reason: str = ""
    # How structured output was obtained: "json_schema", "json_object", "prompt"; "" for plain text.
    structured_mode: str = ""

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class EmbeddingResult:
    vectors: list[list[float]]
    model: str
    prompt_tokens: int
    latency_ms: int
