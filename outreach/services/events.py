"""Events posted to the REST API: stored raw first, then parsed, then handed to the matching rules.

Payload (JSON): {"type": "order.delayed", "id": "evt_123" (optional: the caller's event id),
"customer": {"email": "...", "name": "...", "external_id": "..."}, "data": {...}}. Without "id" the
event key is a hash of the type, customer and data, so the same event posted twice sends once.
"""

from __future__ import annotations

import hashlib
import json
import re

from django.db import transaction

from core.errors import ApplicationError
from helpdesk.services.customers import customer_get_or_create
from outreach.models import OutreachBatch, OutreachEvent, OutreachRule, TriggerKind
from outreach.services.batches import rule_fire

MAX_RAW_BYTES = 256 * 1024
TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,99}$")


def _fail(event: OutreachEvent, message: str, details: dict | None = None) -> ApplicationError:
    OutreachEvent.objects.filter(pk=event.pk).update(status=OutreachEvent.Status.INVALID, error=message)
    return ApplicationError(message, {"event_id": event.pk, **(details or {})})


def event_parse(event: OutreachEvent) -> dict:
    """The checked fields of a stored event; ApplicationError (the event marked invalid) otherwise."""
    try:
        payload = json.loads(event.raw)
    except ValueError as error:
        raise _fail(event, f"The body is not valid JSON: {error}") from None
    if not isinstance(payload, dict):
        raise _fail(event, "The body must be a JSON object.")
    unknown = sorted(set(payload) - {"type", "id", "customer", "data"})
    if unknown:
        raise _fail(event, "Unknown fields.", {"fields": unknown})
    event_type = payload.get("type")
    if not isinstance(event_type, str) or not TYPE_RE.match(event_type):
        raise _fail(
            event, 'A "type" is needed: lower-case letters, digits and . _ : - (e.g. "order.delayed").'
        )
    customer = payload.get("customer") or {}
    data = payload.get("data") or {}
    if not isinstance(customer, dict) or not isinstance(data, dict):
        raise _fail(event, '"customer" and "data" must be JSON objects.')
    email = customer.get("email", "")
    if email and (not isinstance(email, str) or "@" not in email or len(email) > 254):
        raise _fail(event, '"customer.email" is not an email address.')
    caller_id = payload.get("id")
    if caller_id is not None and (not isinstance(caller_id, str | int) or len(str(caller_id)) > 150):
        raise _fail(event, '"id" must be a string of at most 150 characters.')
    if caller_id is not None:
        key = f"id:{caller_id}"
    else:
        canonical = json.dumps([event_type, customer, data], sort_keys=True, separators=(",", ":"))
        key = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    return {
        "type": event_type,
        "key": key,
        "email": email,
        "name": str(customer.get("name") or "")[:200],
        "external_id": str(customer.get("external_id") or "")[:200],
        "data": data,
    }


def event_receive(*, raw: bytes | str, source: str = "api") -> tuple[OutreachEvent, list[OutreachBatch]]:
    """Store the raw event (committed before anything parses it), parse it, fire the rules.
    Bad input raises ApplicationError carrying the stored event's id; the row stays, marked invalid."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_RAW_BYTES:
            raise ApplicationError(f"The event is larger than {MAX_RAW_BYTES} bytes.")
        text = raw.decode("utf-8", errors="replace")
    else:
        text = raw
    event = OutreachEvent.objects.create(source=source, raw=text.replace("\x00", "\ufffd"))
    fields = event_parse(event)
    with transaction.atomic():
        customer = (
            customer_get_or_create(email=fields["email"], name=fields["name"]) if fields["email"] else None
        )
        event.event_type, event.key, event.data = fields["type"], fields["key"], fields["data"]
        event.customer, event.external_id = customer, fields["external_id"]
        event.status = OutreachEvent.Status.PROCESSED
        event.save()
    return event, event_dispatch(event=event)


def event_dispatch(*, event: OutreachEvent) -> list[OutreachBatch]:
    """Every active event rule of this type reacts once."""
    rules = OutreachRule.objects.filter(
        is_active=True, trigger=TriggerKind.EVENT, event_type=event.event_type
    )
    customer_ids = [event.customer_id] if event.customer_id else []
    batches = [rule_fire(rule=rule, event=event, customer_ids=customer_ids) for rule in rules.order_by("pk")]
    return [b for b in batches if b is not None]
