"""The ticket history in plain language: one sentence per audit row, labels instead of stored values.

Audit rows keep what was stored ("on_hold", "? (0%, zero_shot)"); people read "On hold" and "AI triage
could not choose a topic". Unknown fields still read as a sentence ("Email cc: a → b").
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.models import TicketChannel, TicketEvent, TicketPriority, TicketStatus

LABELS = {
    "status": dict(TicketStatus.choices),
    "priority": dict(TicketPriority.choices),
    "created": dict(TicketChannel.choices),
}
FIELD_NAMES = {
    "status": gettext_lazy("status"),
    "priority": gettext_lazy("priority"),
    "team": gettext_lazy("team"),
    "assignee": gettext_lazy("assignee"),
    "subject": gettext_lazy("subject"),
    "tags": gettext_lazy("tags"),
    "triage_topic": gettext_lazy("topic"),
    "email_cc": gettext_lazy("email copy (CC)"),
}
# What AI triage records: "Topic name (85%, zero_shot)" or "? (0%, trained)".
AI_TRIAGE = re.compile(r"^(?P<topic>.*) \((?P<percent>\d{1,3})%, [a-z_]+\)$")


def _label(field: str, value: str) -> str:
    return str(LABELS.get(field, {}).get(value, value))


def event_text(event: TicketEvent) -> str:
    """One sentence (without the actor) saying what the audit row records."""
    field, before, after = event.field, event.before, event.after
    if field == "created":
        return _("created the ticket (%(channel)s)") % {"channel": _label(field, after)}
    if field == "internal_note":
        return _("added internal note %(n)s") % {"n": after}
    if field == "merged_into":
        return _("merged this ticket into %(n)s") % {"n": after}
    if field == "merged_from":
        return _("merged %(n)s into this ticket") % {"n": after}
    if field == "sla_escalated":
        return _("escalated the ticket: an SLA target was missed")
    if field == "delivery_retry":
        return _("retried delivering a reply (%(before)s → %(after)s)") % {"before": before, "after": after}
    if field == "triage_topic":
        match = AI_TRIAGE.match(after)
        if match:
            percent = match.group("percent")
            if match.group("topic") in ("?", ""):
                return _("could not choose a topic (only %(p)s%% sure); the ticket needs triage") % {
                    "p": percent
                }
            return _("chose the topic “%(topic)s” (%(p)s%% sure)") % {
                "topic": match.group("topic"),
                "p": percent,
            }
    name = str(FIELD_NAMES.get(field, field.replace("_", " ")))
    before_label, after_label = _label(field, before), _label(field, after)
    if not before_label:
        return _("set the %(field)s to “%(after)s”") % {"field": name, "after": after_label}
    if not after_label:
        return _("removed the %(field)s “%(before)s”") % {"field": name, "before": before_label}
    return _("changed the %(field)s from “%(before)s” to “%(after)s”") % {
        "field": name,
        "before": before_label,
        "after": after_label,
    }


def actor_text(event: TicketEvent) -> str:
    label = event.actor_label or ""
    return _("System") if label in ("", "system") else label
