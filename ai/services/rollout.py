"""Recording which rollout group a conversation fell in (first decision wins: the comparison of live
and control groups needs the group the customer was actually in)."""

from __future__ import annotations

from django.db import transaction

from ai.models import ChannelRollout, RolloutAssignment, RolloutMode
from ai.selectors.rollout import RolloutDecision
from core.errors import ApplicationError
from helpdesk.models import Ticket, TicketChannel


@transaction.atomic
def rollout_assignment_record(
    *, ticket: Ticket, decision: RolloutDecision | None
) -> RolloutAssignment | None:
    if decision is None:
        return None
    assignment, _created = RolloutAssignment.objects.get_or_create(
        ticket=ticket,
        defaults={
            "channel": ticket.channel,
            "mode": decision.mode,
            "group": decision.group,
            "bucket": decision.bucket,
        },
    )
    return assignment


@transaction.atomic
def rollout_set(*, channel: str, mode: str, percent: int = 10) -> ChannelRollout:
    if channel not in TicketChannel.values:
        raise ApplicationError(f"Unknown channel: {channel}")
    if mode not in RolloutMode.values:
        raise ApplicationError(f"Unknown rollout mode: {mode}")
    if not 0 <= int(percent) <= 100:
        raise ApplicationError("The live share is a percentage between 0 and 100.")
    rollout, _created = ChannelRollout.objects.update_or_create(
        channel=channel, defaults={"mode": mode, "percent": int(percent)}
    )
    return rollout
