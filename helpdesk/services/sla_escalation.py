"""SLA escalation: before a ticket breaches, notify the team lead and raise its priority.

Sits above the ticket services (it changes tickets through `ticket_update`); the clock itself
(`sla_refresh`) is below them, in sla.py."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.models import TicketPriority, TicketSLA
from helpdesk.models.tickets import PRIORITY_RANK
from helpdesk.services.audit import event_record
from helpdesk.services.sla import tickets_breaching_soon
from helpdesk.services.tickets import ticket_update


def sla_escalate_due(*, now: dt.datetime | None = None) -> list[int]:
    """Escalate every ticket about to breach (once per ticket): raise priority, notify the team lead.
    Also refreshes breach flags. Run by the scheduled task; idempotent."""
    now = now or timezone.now()
    escalated = []
    for state in list(tickets_breaching_soon(now)):
        if state.escalated_at is not None:
            continue
        with transaction.atomic():
            locked = TicketSLA.objects.select_for_update().get(pk=state.pk)
            if locked.escalated_at is not None:
                continue
            _escalate(locked, now)
            escalated.append(locked.ticket_id)
    return escalated


def _escalate(state: TicketSLA, now: dt.datetime) -> None:
    ticket = state.ticket
    state.escalated_at = now
    state.save(update_fields=["escalated_at"])
    event_record(ticket=ticket, actor=None, field="sla_escalated", before="", after=now.isoformat(),
                 actor_label="SLA")  # fmt: skip
    if state.policy.escalate_raise_priority and ticket.priority != TicketPriority.URGENT:
        ranks = sorted(PRIORITY_RANK, key=PRIORITY_RANK.get)
        higher = ranks[min(PRIORITY_RANK[ticket.priority] + 1, len(ranks) - 1)]
        ticket_update(ticket=ticket, priority=higher, actor_label="SLA")
    lead = ticket.team.lead if ticket.team_id else None
    if lead and lead.user.email:
        subject = _("SLA about to breach: #%(n)s %(s)s") % {"n": ticket.number, "s": ticket.subject}
        body = _("Ticket #%(n)s in %(team)s is close to its SLA target. Please take a look.") % {
            "n": ticket.number,
            "team": ticket.team.name,
        }
        transaction.on_commit(lambda: send_mail(subject, body, None, [lead.user.email], fail_silently=True))
