"""Models of the ai app, one module per domain, re-exported here."""

from ai.models.evaluation import (
    ChannelRollout,
    ReviewItem,
    RolloutAssignment,
    RolloutMode,
    TestRun,
    TestRunItem,
    WeeklyReport,
)
from ai.models.insights import (
    InsightVector,
    KnowledgeGap,
    Theme,
    ThemeKind,
    ThemeRun,
    ThemeSnapshot,
    ThemeTicket,
)
from ai.models.interactions import AIDraft, AIFlag, AIInteraction, HandoffRule, TicketRedaction
from ai.models.settings import AISettings, TokenUsage
from ai.models.triage import (
    TicketTriage,
    TriageLabel,
    TriageModel,
    TriageSettings,
)

__all__ = [
    "InsightVector",
    "KnowledgeGap",
    "Theme",
    "ThemeKind",
    "ThemeRun",
    "ThemeSnapshot",
    "ThemeTicket",
    "AIDraft",
    "AIFlag",
    "AIInteraction",
    "HandoffRule",
    "TicketRedaction",
    "AISettings",
    "ChannelRollout",
    "ReviewItem",
    "RolloutAssignment",
    "RolloutMode",
    "TestRun",
    "TestRunItem",
    "WeeklyReport",
    "TicketTriage",
    "TokenUsage",
    "TriageLabel",
    "TriageModel",
    "TriageSettings",
]
