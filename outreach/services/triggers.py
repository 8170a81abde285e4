"""The triggers that are not API events: an SLA breach risk on a customer's open ticket (the
schedule scans every few minutes), and a theme spike (fired by whoever detects themes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from helpdesk.services.sla import sla_remaining, tickets_breaching_soon
from outreach.models import OutreachBatch, OutreachEvent, OutreachRule, TriggerKind
from outreach.services.batches import rule_fire


def _event(*, source: str, event_type: str, key: str, data: dict, customer=None) -> OutreachEvent:
    event, _created = OutreachEvent.objects.get_or_create(
        source=source,
        key=key,
        defaults={
            "event_type": event_type,
            "data": data,
            "customer": customer,
            "status": OutreachEvent.Status.PROCESSED,
            "raw": "",
        },
    )
    return event


def sla_risk_scan(*, now: dt.datetime | None = None) -> list[OutreachBatch]:
    """Tell customers whose open ticket is about to miss its target that it is being handled.
    One message per ticket and due time (the idempotency key), whatever the number of scans."""
    rules = list(OutreachRule.objects.filter(is_active=True, trigger=TriggerKind.SLA_RISK).order_by("pk"))
    if not rules:
        return []
    now = now or timezone.now()
    batches = []
    for state in tickets_breaching_soon(now):
        ticket = state.ticket
        remaining = sla_remaining(state, now)
        due = (
            state.first_response_due_at
            if remaining["target"] == "first_response"
            else state.resolution_due_at
        )
        data = {
            "ticket_number": ticket.number,
            "ticket_subject": ticket.subject,
            "target": remaining["target"],
            "due_at": due.isoformat() if due else "",
        }
        event = _event(
            source="sla",
            event_type="sla.breach_risk",
            key=f"ticket:{ticket.pk}:{data['due_at']}",
            data=data,
            customer=ticket.requester,
        )
        for rule in rules:
            batch = rule_fire(rule=rule, event=event, customer_ids=[ticket.requester_id])
            if batch is not None:
                batches.append(batch)
    return batches


def theme_spike_fire(
    *, theme_key: str, label: str, period: str, customer_ids: Iterable[int] = (), data: dict | None = None
) -> list[OutreachBatch]:
    """A theme grew unusually (detected elsewhere): the theme-spike rules whose word the label contains
    (or with no word) react; the audience is the theme's customers or the rule's filters."""
    customer_ids = list(customer_ids)
    payload = {
        "theme": label,
        "theme_key": theme_key,
        "period": period,
        "customers": len(customer_ids),
        **(data or {}),
    }
    event = _event(source="theme", event_type="theme.spike", key=f"{theme_key}:{period}", data=payload)
    batches = []
    for rule in OutreachRule.objects.filter(is_active=True, trigger=TriggerKind.THEME_SPIKE).order_by("pk"):
        if rule.event_type and rule.event_type.lower() not in label.lower():
            continue
        batch = rule_fire(rule=rule, event=event, customer_ids=customer_ids)
        if batch is not None:
            batches.append(batch)
    return batches
