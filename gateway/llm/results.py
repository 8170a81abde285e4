"""What a provider call returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The source the gateway records on values it finds and removes from a request itself.
PROMPT_SOURCE = "model_prompt"


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
    # The map the gateway redacted the request with (the caller's entries plus what it found).
    prompt_map: Any = field(default=None, repr=False, compare=False)

    def restore_prompt_values(self, text: str) -> str:
        """Put back values the gateway itself removed from the request (found in company content such
        as a knowledge-base passage). Values the caller redacted are the caller's to restore."""
        if self.prompt_map is None:
            return text
        return self.prompt_map.restore(text, sources=[PROMPT_SOURCE])

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class EmbeddingResult:
    vectors: list[list[float]]
    model: str
    prompt_tokens: int
    latency_ms: int
