"""The unit every stage of redaction passes around."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    entity_type: str
    start: int
    end: int
    score: float
