"""Sending approved messages: guards first (suppression, rate limits, quiet hours), then one way out.

Email leaves through helpdesk's system mail (`helpdesk.extensions.system_mail_send`, the email
channel's sender when it is installed) with an unsubscribe link and the List-Unsubscribe headers of
RFC 2369 / RFC 8058 (one-click); chat and portal messages are stored
for the customer's next visit (sent = ready to show). A message is claimed ("sending", committed)
before it goes out and marked "sent" after: a retry or a second worker finds it claimed and does
nothing, so a message never leaves twice. A worker that dies between the two leaves it "sending";
the schedule marks such messages "uncertain" after a while and never sends them again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.extensions import system_mail_send
from outreach.models import Channel, IncidentNotice, OutreachMessage
from outreach.selectors import is_suppressed, rate_limit_reason
from outreach.services.audit import audit_record
from outreach.services.calendar import next_open_moment
from outreach.services.suppression import list_unsubscribe_headers, unsubscribe_url

logger = logging.getLogger(__name__)
Status = OutreachMessage.Status
MAX_ATTEMPTS = 3
STUCK_AFTER = dt.timedelta(minutes=15)


def email_body(message: OutreachMessage) -> str:
    return f"{message.body}\n\n--\nTo stop these messages: {unsubscribe_url(message.customer.email)}\n"


def _skip(message: OutreachMessage, reason: str) -> str:
    message.status = Status.SKIPPED
    message.skip_reason = reason[:300]
    message.save(update_fields=["status", "skip_reason"])
    audit_record(action="skipped", batch=message.batch, message=message, detail=reason)
    return message.status


@transaction.atomic
def _claim(message_id: int, now: dt.datetime) -> OutreachMessage | None:
    """Lock the message and decide: skip, defer, or claim it for sending (None: nothing to send now)."""
    message = (
        OutreachMessage.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("customer", "rule", "batch__incident")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.status != Status.SCHEDULED:
        return None
    if message.send_after and message.send_after > now:
        return None
    if is_suppressed(message.customer.email):
        _skip(message, "suppressed (unsubscribed or on the suppression list)")
        return None
    reason = rate_limit_reason(message=message, now=now)
    if reason:
        _skip(message, reason)
        return None
    if message.rule is not None and message.rule.respect_quiet_hours:
        opens = next_open_moment(now)
        if opens > now:
            message.send_after = opens
            message.save(update_fields=["send_after"])
            audit_record(
                action="deferred",
                batch=message.batch,
                message=message,
                detail=f"quiet hours: not before {opens.isoformat()}",
            )
            return None
    incident = message.batch.incident
    if (
        incident is not None
        and IncidentNotice.objects.filter(
            incident=incident, customer=message.customer, kind=IncidentNotice.Kind.NOTICE
        ).exists()
    ):
        _skip(message, "already told about this incident")
        return None
    message.status = Status.SENDING
    message.attempts += 1
    message.claimed_at = now
    message.save(update_fields=["status", "attempts", "claimed_at"])
    return message


def message_send(*, message_id: int, now: dt.datetime | None = None) -> str:
    """Send one scheduled message if its guards allow; returns its status. Idempotent."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return OutreachMessage.objects.filter(pk=message_id).values_list("status", flat=True).first() or ""
    try:
        if message.channel == Channel.EMAIL:
            system_mail_send(
                to=message.customer.email,
                subject=message.subject or message.batch.title,
                body=email_body(message),
                headers=list_unsubscribe_headers(message.customer.email),
            )
    except Exception as error:  # the mail did not leave: record it, the schedule retries
        logger.warning("outreach message %s failed: %s", message.pk, error)
        with transaction.atomic():
            OutreachMessage.objects.filter(pk=message.pk).update(
                status=Status.FAILED if message.attempts >= MAX_ATTEMPTS else Status.SCHEDULED,
                error=f"{type(error).__name__}: {error}"[:2000],
            )
            audit_record(action="failed", batch=message.batch, message=message, detail=str(error))
        return OutreachMessage.objects.get(pk=message.pk).status
    with transaction.atomic():
        OutreachMessage.objects.filter(pk=message.pk).update(status=Status.SENT, sent_at=now, error="")
        if message.batch.incident is not None:
            _notice_once(message)
        audit_record(
            action="sent",
            batch=message.batch,
            message=message,
            detail=f"{message.channel} to {message.customer.email}",
        )
    return Status.SENT


def _notice_once(message: OutreachMessage) -> None:
    try:
        with transaction.atomic():
            IncidentNotice.objects.create(
                incident=message.batch.incident, customer=message.customer, via="outreach"
            )
    except IntegrityError:  # told by a ticket answer in between: nothing more to record
        pass


def batch_send(*, batch_id: int, now: dt.datetime | None = None) -> dict[int, str]:
    ids = OutreachMessage.objects.filter(batch_id=batch_id, status=Status.SCHEDULED).order_by("pk")
    return {pk: message_send(message_id=pk, now=now) for pk in ids.values_list("pk", flat=True)}


def messages_send_due(*, now: dt.datetime | None = None) -> dict[int, str]:
    """The schedule's sweep: deferred and retried messages whose time has come; stuck ones marked."""
    now = now or timezone.now()
    stuck = OutreachMessage.objects.filter(status=Status.SENDING, claimed_at__lte=now - STUCK_AFTER)
    for message in stuck.select_related("batch"):
        OutreachMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(status=Status.UNCERTAIN)
        audit_record(
            action="uncertain",
            batch=message.batch,
            message=message,
            detail="interrupted while sending; not retried, to never send twice",
        )
    due = OutreachMessage.objects.filter(status=Status.SCHEDULED).exclude(send_after__gt=now).order_by("pk")
    return {pk: message_send(message_id=pk, now=now) for pk in due.values_list("pk", flat=True)}
