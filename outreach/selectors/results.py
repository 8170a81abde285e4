"""Outreach results for the desk page: per rule and per batch, sent, opened (chat and portal notices,
when the customer's page showed them; email is plain-text system mail and has no tracking pixel),
replied (the customer wrote on any of their tickets within REPLY_DAYS after the message) and tickets
avoided (tickets from the audience in the AVOIDED_WINDOW after the event, against the same window
after earlier events of the same type that got no outreach)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from helpdesk.models import Message, Ticket
from outreach.models import OutreachBatch, OutreachEvent, OutreachMessage, OutreachRule

REPLY_DAYS = 3
AVOIDED_WINDOW = dt.timedelta(hours=72)
SENT = OutreachMessage.Status.SENT


@dataclass
class Result:
    label: str
    sent: int
    opened: int | None  # None: not measurable for this channel
    replied: int
    avoided: float | None = None  # None: no comparable earlier events
    baseline_events: int = 0


def _replied():
    return Exists(
        Message.objects.filter(
            ticket__requester_id=OuterRef("customer_id"),
            author_kind=Message.AuthorKind.CUSTOMER,
            created_at__gt=OuterRef("sent_at"),
            created_at__lte=OuterRef("sent_at") + dt.timedelta(days=REPLY_DAYS),
        )
    )


def _counts(messages) -> dict:
    return messages.filter(status=SENT).aggregate(
        sent=Count("pk"),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        replied=Count("pk", filter=Q(_replied())),
    )


def _tickets_after(customer_ids, start: dt.datetime) -> int:
    return Ticket.objects.filter(
        requester_id__in=list(customer_ids), created_at__gt=start, created_at__lte=start + AVOIDED_WINDOW
    ).count()


def tickets_avoided(rule: OutreachRule) -> tuple[float | None, int]:
    """(expected minus actual tickets over the rule's sent batches, earlier events compared)."""
    sent_batches = OutreachBatch.objects.filter(
        rule=rule, messages__status=SENT, event__isnull=False
    ).distinct()
    actual = expected_rate = 0.0
    audience = 0
    batches = list(sent_batches.select_related("event"))
    if not batches or not rule.event_type:
        return None, 0
    first = min(b.event.received_at for b in batches)
    baseline = (
        OutreachEvent.objects.filter(
            event_type=rule.event_type, customer__isnull=False, received_at__lt=first
        )
        .exclude(batches__messages__status=SENT)
        .values_list("customer_id", "received_at")
    )
    baseline = list(baseline)
    if not baseline:
        return None, 0
    expected_rate = sum(_tickets_after([c], at) for c, at in baseline) / len(baseline)
    for batch in batches:
        customers = list(batch.messages.filter(status=SENT).values_list("customer_id", flat=True))
        audience += len(customers)
        actual += _tickets_after(customers, batch.event.received_at)
    return round(expected_rate * audience - actual, 1), len(baseline)


def _opened(channel: str, value: int) -> int | None:
    return None if channel == "email" else value


def rule_results() -> list[Result]:
    results = []
    for rule in OutreachRule.objects.order_by("name"):
        counts = _counts(OutreachMessage.objects.filter(rule=rule))
        avoided, baseline = tickets_avoided(rule)
        results.append(
            Result(
                rule.name,
                counts["sent"],
                _opened(rule.channel, counts["opened"]),
                counts["replied"],
                avoided,
                baseline,
            )
        )
    return results


def batch_results(batches) -> dict[int, Result]:
    return {
        batch.pk: Result(
            batch.title,
            **{**(c := _counts(batch.messages.all())), "opened": _opened(batch.channel, c["opened"])},
        )
        for batch in batches
    }
