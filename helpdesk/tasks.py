"""django-q2 tasks of the ticketing core. Thin: call a service; safe to run twice."""

from helpdesk.services.delivery import delivery_retry_due
from helpdesk.services.delivery import message_deliver as deliver_message
from helpdesk.services.report_rollup import rollup_catch_up
from helpdesk.services.sla_escalation import sla_escalate_due
from helpdesk.services.webhooks import webhook_deliver as deliver_webhook


def sla_escalate() -> int:
    return len(sla_escalate_due())


def webhook_deliver(delivery_id: int) -> None:
    deliver_webhook(delivery_id=int(delivery_id))


def message_deliver(message_id: int) -> str:
    """Hand one public reply to its channel's delivery adapter (enqueued by reply_send)."""
    return deliver_message(message_id=int(message_id))


def delivery_retry() -> int:
    """Scheduled: retry failed replies (with backoff) and queued ones whose task was lost."""
    return len(delivery_retry_due())


def report_rollup_catch_up() -> str:
    """Build the roll-up rows of the days that ended (idempotent; hourly, so a quiet desk's yesterday
    is built soon after midnight even when no ticket changes)."""
    return str(rollup_catch_up())
