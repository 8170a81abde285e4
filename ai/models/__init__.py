"""Models of the ai app, one module per domain, re-exported here."""

from ai.models.interactions import AIDraft, AIFlag, AIInteraction, HandoffRule, TicketRedaction
from ai.models.settings import AISettings, TokenUsage
from ai.models.triage import (
    TicketTriage,
    TriageLabel,
    TriageModel,
    TriageSettings,
)

__all__ = [
    "AIDraft",
    "AIFlag",
    "AIInteraction",
    "HandoffRule",
    "TicketRedaction",
    "AISettings",
    "TicketTriage",
    "TokenUsage",
    "TriageLabel",
    "TriageModel",
    "TriageSettings",
]
