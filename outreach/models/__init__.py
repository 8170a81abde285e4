from outreach.models.incidents import Incident, IncidentLink, IncidentNotice
from outreach.models.messages import OutreachAudit, OutreachBatch, OutreachMessage, Suppression
from outreach.models.rules import AudienceKind, Channel, OutreachEvent, OutreachRule, TriggerKind

__all__ = [
    "AudienceKind",
    "Channel",
    "Incident",
    "IncidentLink",
    "IncidentNotice",
    "OutreachAudit",
    "OutreachBatch",
    "OutreachEvent",
    "OutreachMessage",
    "OutreachRule",
    "Suppression",
    "TriggerKind",
]
