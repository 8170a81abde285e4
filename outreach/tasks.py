"""django-q2 tasks: ids in, one service call each; idempotent (the services are)."""

from __future__ import annotations

from outreach.services.incidents import incident_link_ticket
from outreach.services.sending import batch_send as _batch_send
from outreach.services.sending import messages_send_due
from outreach.services.triggers import sla_risk_scan


def batch_send(batch_id: int) -> dict:
    return _batch_send(batch_id=batch_id)


def send_due() -> dict:
    return messages_send_due()


def sla_scan() -> int:
    return len(sla_risk_scan())


def incident_link(ticket_id: int) -> bool:
    return incident_link_ticket(ticket_id=ticket_id) is not None
