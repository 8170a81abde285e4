"""Models of the ai app, one module per domain, re-exported here."""

from ai.models.settings import AISettings, TokenUsage

__all__ = ["AISettings", "TokenUsage"]
