"""PII redaction: Presidio findings replaced by typed, conversation-consistent placeholders.

Use a `Redactor` per conversation (or `redact(text, mapping=...)`) before any text goes to a model,
and `redact_for_log` before anything AI-related is logged. `RedactionError` means the text must not
leave: hand the conversation to a person instead.
"""

from gateway.pii.engine import (
    ENTITIES,
    MODE_PATTERNS_ONLY,
    MODE_SPACY,
    Finding,
    PiiEngine,
    PiiEngineStatus,
    RedactionError,
    build_engine,
    get_engine,
    pii_engine_status,
)
from gateway.pii.redactor import RedactionMap, Redactor, placeholders_in, redact, redact_for_log

__all__ = [
    "ENTITIES",
    "MODE_PATTERNS_ONLY",
    "MODE_SPACY",
    "Finding",
    "PiiEngine",
    "PiiEngineStatus",
    "RedactionError",
    "RedactionMap",
    "Redactor",
    "build_engine",
    "get_engine",
    "pii_engine_status",
    "placeholders_in",
    "redact",
    "redact_for_log",
]
