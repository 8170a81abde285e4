"""Reads of outreach: audiences, guards (suppression, rate limits), the desk's lists and results."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet

from helpdesk.models import Customer, TicketStatus
from outreach.models import (
    AudienceKind,
    Incident,
    OutreachBatch,
    OutreachMessage,
    OutreachRule,
    Suppression,
)

OPEN_TICKET_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD)
COUNTED = (OutreachMessage.Status.SENT, OutreachMessage.Status.SENDING)
DAY = dt.timedelta(days=1)


def max_per_customer_per_day() -> int:
    """The cap over all rules together: the setting or environment variable
    HELMDESK_OUTREACH_MAX_PER_CUSTOMER_PER_DAY, default 3."""
    value = getattr(settings, "HELMDESK_OUTREACH_MAX_PER_CUSTOMER_PER_DAY", None)
    return int(
        value if value is not None else os.environ.get("HELMDESK_OUTREACH_MAX_PER_CUSTOMER_PER_DAY", 3)
    )


def customers_matching(
    *,
    topic_id: int | None = None,
    tier: str = "",
    open_ticket: bool = False,
    among: Iterable[int] | None = None,
) -> QuerySet[Customer]:
    qs = Customer.objects.all()
    if among is not None:
        qs = qs.filter(pk__in=list(among))
    if tier:
        qs = qs.filter(tier=tier)
    ticket_filter = Q()
    if topic_id:
        ticket_filter &= Q(tickets__triage__topic_id=topic_id)
    if open_ticket or topic_id:
        ticket_filter &= Q(tickets__status__in=OPEN_TICKET_STATUSES)
    if ticket_filter:
        qs = qs.filter(ticket_filter)
    return qs.distinct().order_by("pk")


def audience_for(*, rule: OutreachRule, customer_ids: Iterable[int]) -> list[Customer]:
    """The rule's audience: the event's customers (narrowed by the rule's filters) or every customer
    matching the filters."""
    filters = {
        "topic_id": rule.audience_topic_id,
        "tier": rule.audience_tier,
        "open_ticket": rule.audience_open_ticket,
    }
    if rule.audience == AudienceKind.EVENT_CUSTOMER:
        return list(customers_matching(among=customer_ids, **filters))
    return list(customers_matching(**filters))


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email__iexact=(email or "").strip()).exists()


def rate_limit_reason(*, message: OutreachMessage, now: dt.datetime) -> str:
    """Why this message would exceed a per-customer limit in the last 24 hours, or ""."""
    recent = OutreachMessage.objects.filter(
        customer_id=message.customer_id, status__in=COUNTED, sent_at__gte=now - DAY
    )
    recent = recent.exclude(pk=message.pk)
    if message.rule_id is not None:
        cap = message.rule.max_per_customer_per_day
        if recent.filter(rule_id=message.rule_id).count() >= cap:
            return f"rate limit: {cap} per day from this rule"
    cap = max_per_customer_per_day()
    if recent.count() >= cap:
        return f"rate limit: {cap} outreach messages per day in all"
    return ""


def pending_batches() -> QuerySet[OutreachBatch]:
    return (
        OutreachBatch.objects.filter(status=OutreachBatch.Status.PENDING)
        .select_related("rule", "event", "incident")
        .annotate(size=Count("messages", filter=Q(messages__status=OutreachMessage.Status.PENDING)))
        .order_by("created_at", "id")
    )


def batch_preview(batch: OutreachBatch, *, limit: int = 5) -> list[OutreachMessage]:
    return list(batch.messages.select_related("customer").order_by("pk")[:limit])


def recent_batches(*, limit: int = 20) -> QuerySet[OutreachBatch]:
    return (
        OutreachBatch.objects.exclude(status=OutreachBatch.Status.PENDING)
        .select_related("rule", "event", "incident", "decided_by")
        .order_by("-created_at", "-id")[:limit]
    )


def open_incidents() -> QuerySet[Incident]:
    return Incident.objects.filter(status=Incident.Status.OPEN).order_by("declared_at")


def any_incident_open() -> bool:
    """`open_incidents().exists()`, asked for every new ticket: in plain SQL (building the ORM query
    cost several times what running it does)."""
    sql = f'SELECT 1 FROM "{Incident._meta.db_table}" WHERE status = %s LIMIT 1'  # noqa: S608 (model's table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Incident.Status.OPEN])
        return cursor.fetchone() is not None


def notices_for(*, customer: Customer, channel: str) -> QuerySet[OutreachMessage]:
    """Chat and portal messages sent to a customer and not shown yet (newest first)."""
    return OutreachMessage.objects.filter(
        customer=customer, channel=channel, status=OutreachMessage.Status.SENT, opened_at__isnull=True,
        delivered_at__isnull=True,
    ).order_by("-sent_at")  # fmt: skip
