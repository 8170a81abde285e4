"""Models of the ai app, one module per domain, re-exported here."""

from ai.models.interactions import AIDraft, AIFlag, AIInteraction, HandoffRule, TicketRedaction
from ai.models.settings import AISettings, TokenUsage
from ai.models.triage import (
    RoutingRule,
    TeamAssignmentCursor,
    TicketTriage,
    Topic,
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
    "RoutingRule",
    "TeamAssignmentCursor",
    "TicketTriage",
    "TokenUsage",
    "Topic",
    "TriageLabel",
    "TriageModel",
    "TriageSettings",
]
