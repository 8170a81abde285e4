"""SLA clocks on tickets: start on creation, pause while pending on the customer, recompute on
priority changes, flag breaches. Escalation sits above the ticket services, in sla_escalation.py."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.business_time import BusinessCalendar, add_business_seconds, business_seconds_between
from helpdesk.models import SLAPolicy, Ticket, TicketSLA, TicketStatus

OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD)


def policy_for(ticket: Ticket) -> SLAPolicy | None:
    """The team's active policy, else the active policy with no team (the default)."""
    active = SLAPolicy.objects.filter(is_active=True).prefetch_related("holidays")
    if ticket.team_id:
        policy = active.filter(teams=ticket.team_id).order_by("pk").first()
        if policy:
            return policy
    return active.filter(teams__isnull=True).order_by("pk").first()


def calendar_for(policy: SLAPolicy) -> BusinessCalendar:
    return BusinessCalendar(
        time_zone=policy.time_zone,
        hours=policy.business_hours,
        holidays=frozenset(h.date for h in policy.holidays.all()),
    )


def _due(ticket: Ticket, state: TicketSLA, targets: dict) -> dt.datetime | None:
    minutes = targets.get(ticket.priority)
    if minutes is None:
        return None
    cal = calendar_for(state.policy)
    return add_business_seconds(ticket.created_at, minutes * 60 + state.paused_business_seconds, cal)


@transaction.atomic
def sla_refresh(*, ticket: Ticket, now: dt.datetime | None = None) -> TicketSLA | None:
    """Bring a ticket's SLA state up to date with its status, priority and team. Idempotent."""
    ticket = Ticket.objects.select_related("team").get(pk=ticket.pk)
    state = TicketSLA.objects.select_for_update().filter(ticket=ticket).first()
    return _sla_apply(ticket, state, now or timezone.now())


def sla_start(*, ticket: Ticket, now: dt.datetime | None = None) -> TicketSLA | None:
    """`sla_refresh` for a ticket created in the caller's transaction, as it was just saved: it has
    no SLA state yet and nobody else can see it, so nothing is read back, locked or deleted (and no
    savepoint: the caller's transaction is the unit)."""
    return _sla_apply(ticket, None, now or timezone.now())


def _sla_apply(ticket: Ticket, state: TicketSLA | None, now: dt.datetime) -> TicketSLA | None:
    policy = policy_for(ticket)
    if policy is None:
        if state:
            state.delete()
        return None
    if state is None:
        state = TicketSLA(ticket=ticket)
    state.policy = policy
    cal = calendar_for(policy)

    if ticket.status == TicketStatus.PENDING and state.paused_at is None:
        state.paused_at = now
    elif ticket.status != TicketStatus.PENDING and state.paused_at is not None:
        state.paused_business_seconds += int(max(0, business_seconds_between(state.paused_at, now, cal)))
        state.paused_at = None

    state.first_response_due_at = _due(ticket, state, policy.first_response_minutes)
    state.resolution_due_at = _due(ticket, state, policy.resolution_minutes)
    responded = ticket.first_response_at
    if state.first_response_due_at:
        state.first_response_breached = (responded or now) > state.first_response_due_at
    finished = ticket.solved_at if ticket.status in (TicketStatus.SOLVED, TicketStatus.CLOSED) else None
    if state.resolution_due_at and state.paused_at is None:
        state.resolution_breached = (finished or now) > state.resolution_due_at
    state.save()
    return state


def sla_remaining(state: TicketSLA, now: dt.datetime | None = None) -> dict:
    """Seconds left for the next target (negative when breached); None when nothing is running."""
    now = now or timezone.now()
    ticket = state.ticket
    if ticket.status not in OPEN_STATUSES:
        return {"target": None, "seconds": None, "paused": False}
    if ticket.first_response_at is None and state.first_response_due_at:
        target, due = "first_response", state.first_response_due_at
    else:
        target, due = "resolution", state.resolution_due_at
    if due is None:
        return {"target": None, "seconds": None, "paused": False}
    return {"target": target, "seconds": (due - now).total_seconds(), "paused": state.paused_at is not None}


def tickets_breaching_soon(now: dt.datetime | None = None):
    """Open, unpaused tickets whose next target is within their policy's window (or already past)."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(hours=24)
    candidates = (
        TicketSLA.objects.select_related("ticket__team__lead__user", "policy")
        .filter(ticket__status__in=OPEN_STATUSES, paused_at__isnull=True)
        .filter(
            Q(ticket__first_response_at__isnull=True, first_response_due_at__lte=horizon)
            | Q(resolution_due_at__lte=horizon)
        )
    )
    for state in candidates:
        left = sla_remaining(state, now)["seconds"]
        if left is not None and left <= state.policy.breach_soon_minutes * 60:
            yield state
