"""Gradual rollout of AI answering per channel: off / draft / shadow / live for X% / live.

The share is sticky per customer: a stable hash of the customer's id puts every customer in a fixed
bucket between 0 and 100, and a customer is live when the bucket is below the channel's percentage.
Raising the percentage only adds customers; nobody flips back and forth between conversations.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ai.models import ChannelRollout, RolloutAssignment, RolloutMode
from helpdesk.models import Ticket

Group = RolloutAssignment.Group
SALT = "helmdesk-rollout-v1"


def rollout_bucket(customer_id: int) -> float:
    """The customer's fixed place in [0, 100): sha256, not Python's per-process hash()."""
    digest = hashlib.sha256(f"{SALT}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * 100


@dataclass(frozen=True)
class RolloutDecision:
    mode: str
    group: str
    bucket: float | None = None


def rollout_get(*, channel: str) -> ChannelRollout | None:
    return ChannelRollout.objects.filter(channel=channel).first()


def rollout_decide(*, ticket: Ticket) -> RolloutDecision | None:
    """The rollout group of the ticket's conversation, or None when the channel has no rollout row
    (the built-in channel policy applies)."""
    rollout = rollout_get(channel=ticket.channel)
    if rollout is None:
        return None
    if rollout.mode == RolloutMode.PERCENT:
        bucket = rollout_bucket(ticket.requester_id)
        return RolloutDecision(
            rollout.mode, Group.LIVE if bucket < rollout.percent else Group.CONTROL, bucket
        )
    group = {
        RolloutMode.OFF: Group.OFF, RolloutMode.DRAFT: Group.DRAFT,
        RolloutMode.SHADOW: Group.SHADOW, RolloutMode.LIVE: Group.LIVE,
    }[rollout.mode]  # fmt: skip
    return RolloutDecision(rollout.mode, group)
