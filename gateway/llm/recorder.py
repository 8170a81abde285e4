"""One call's record, written when the call ends (success or any LLMError)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from gateway.llm.errors import LLMError
from gateway.recording import model_call_record


@dataclass
class CallRecord:
    """Used as ``with call: ...``: fill ``sent`` (redacted only) and the rest while calling."""

    kind: str
    feature: str
    model: str
    sent: Any = None
    received: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    started: float = field(default_factory=time.monotonic)

    def __enter__(self) -> CallRecord:
        self.started = time.monotonic()
        return self

    def __exit__(self, exc_type, error, traceback) -> None:
        if exc_type is not None and not issubclass(exc_type, LLMError):
            outcome = "error"
        else:
            outcome = "ok" if error is None else error.reason
        self.write(outcome=outcome, error="" if error is None else str(error))

    def write(self, *, outcome: str, error: str = "") -> None:
        model_call_record(
            kind=self.kind,
            feature=self.feature,
            model=self.model,
            sent=self.sent,
            received=self.received,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            latency_ms=round((time.monotonic() - self.started) * 1000),
            outcome=outcome,
            error=error,
        )
