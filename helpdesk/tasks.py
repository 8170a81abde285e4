"""django-q2 tasks of the ticketing core. Thin: call a service; safe to run twice."""

from helpdesk.services.sla import sla_escalate_due


def sla_escalate() -> int:
    return len(sla_escalate_due())


def webhook_deliver(delivery_id: int) -> None:
    from helpdesk.services.webhooks import webhook_deliver as deliver

    deliver(delivery_id=int(delivery_id))
