"""Outgoing webhooks: HMAC-signed JSON, delivered by django-q2 with retries and a delivery log.

Signature: `X-Helmdesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
Receivers recompute it and reject old timestamps (replay). Destinations are checked against SSRF on
every attempt: no private, loopback or link-local address unless the webhook allows it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import uuid

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from core.safe_http import BlockedAddress, FetchError, SafeHttpClient
from helpdesk.models import Webhook, WebhookDelivery

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BACKOFF_S = (30, 120, 600, 3600)  # after attempt 1, 2, 3, 4
RESPONSE_EXCERPT = 2000


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(
    secret: str, header: str, body: bytes, *, tolerance_s: int = 300, now: float | None = None
) -> bool:
    """What a receiver does (also used by our tests)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)


def ticket_payload(ticket) -> dict:
    return {
        "id": ticket.id, "number": ticket.number, "subject": ticket.subject, "status": ticket.status,
        "priority": ticket.priority, "channel": ticket.channel, "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id, "requester_id": ticket.requester_id,
        "updated_at": ticket.updated_at.isoformat() if ticket.updated_at else None,
    }  # fmt: skip


class _NoneActive:
    """ "No active webhook", as last read: most desks have none, and every message and ticket change
    would read the table to learn it again. A webhook saved or deleted in this process forgets it at
    once (signals below); one saved by another process is seen within FRESH_S."""

    FRESH_S = 2.0

    def __init__(self) -> None:
        self.read_at = float("-inf")  # monotonic time of the read that found none
        self.changes = 0

    def known(self) -> bool:
        return time.monotonic() - self.read_at < self.FRESH_S

    def found_none(self, *, read_at: float, changes: int) -> None:
        if changes == self.changes:  # no webhook was saved while the table was being read
            self.read_at = read_at

    def forget(self, **_kwargs) -> None:
        self.changes += 1
        self.read_at = float("-inf")


_none_active = _NoneActive()
post_save.connect(_none_active.forget, sender=Webhook, dispatch_uid="webhooks-none-active")
post_delete.connect(_none_active.forget, sender=Webhook, dispatch_uid="webhooks-none-active")


def webhooks_known_none() -> bool:
    """No active webhook, as last read (see `_NoneActive`; no query): `webhooks_emit` sends nothing."""
    return _none_active.known()


def webhooks_emit(*, event: str, data: dict) -> list[WebhookDelivery]:
    """Record one delivery per subscribed webhook and queue it after commit."""
    from django_q.tasks import async_task

    deliveries = []
    if _none_active.known():  # the usual case: no webhook at all, known without a read
        return deliveries
    read_at, changes = time.monotonic(), _none_active.changes
    active = list(Webhook.objects.filter(is_active=True))
    if not active:
        _none_active.found_none(read_at=read_at, changes=changes)
    event_id = uuid.uuid4().hex
    payload = {"id": event_id, "event": event, "created_at": timezone.now().isoformat(), "data": data}
    subscribed = [w for w in active if event in (w.events or [])]
    if not subscribed:  # one read, no transaction of its own
        return deliveries
    with transaction.atomic():
        for webhook in subscribed:
            deliveries.append(
                WebhookDelivery.objects.create(
                    webhook=webhook, event=event, event_id=event_id, payload=payload
                )
            )
        for delivery in deliveries:
            transaction.on_commit(
                lambda pk=delivery.pk: async_task(
                    "helpdesk.tasks.webhook_deliver", pk, task_name=f"webhook-{pk}"
                )
            )
    return deliveries


def webhook_deliver(*, delivery_id: int) -> WebhookDelivery:
    """One attempt. Delivered deliveries are left alone (idempotent); failures schedule a retry."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("webhook").get(pk=delivery_id)
        if delivery.delivered_at is not None or delivery.attempts >= MAX_ATTEMPTS:
            return delivery
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    webhook = delivery.webhook
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Helmdesk-Webhooks/1.0",
        "X-Helmdesk-Event": delivery.event,
        "X-Helmdesk-Delivery": delivery.event_id,
        "X-Helmdesk-Signature": sign(webhook.secret, int(time.time()), body),
    }
    client = SafeHttpClient(
        allow_all_private=webhook.allow_private_network, timeout_s=10, max_bytes=64 * 1024
    )
    try:
        status, _headers, response_body = client.post(webhook.url, body=body, headers=headers)
        delivery.status_code = status
        delivery.response_excerpt = response_body[:RESPONSE_EXCERPT].decode(errors="replace")
        delivery.error = "" if 200 <= status < 300 else f"HTTP {status}"
    except BlockedAddress as exc:
        delivery.error = f"refused: {exc}"
        delivery.attempts = MAX_ATTEMPTS  # an unsafe destination never becomes safe by retrying
    except FetchError as exc:
        delivery.error = str(exc)[:1000]
    if not delivery.error:
        delivery.delivered_at = timezone.now()
    delivery.save(update_fields=["status_code", "response_excerpt", "error", "delivered_at", "attempts"])
    if delivery.delivered_at is None and delivery.attempts < MAX_ATTEMPTS:
        _schedule_retry(delivery)
    return delivery


def _schedule_retry(delivery: WebhookDelivery) -> None:
    from django_q.models import Schedule

    delay = BACKOFF_S[min(delivery.attempts - 1, len(BACKOFF_S) - 1)]
    Schedule.objects.create(
        name=f"webhook-retry-{delivery.pk}-{delivery.attempts}",
        func="helpdesk.tasks.webhook_deliver",
        args=str(delivery.pk),
        schedule_type=Schedule.ONCE,
        repeats=1,
        next_run=timezone.now() + dt.timedelta(seconds=delay),
    )
