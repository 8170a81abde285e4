"""The shapes every scenario module fills in: a Scenario has Stories, a Story has turns in two languages."""

from __future__ import annotations

from dataclasses import dataclass

Text = dict[str, str]  # language -> wording


@dataclass(frozen=True)
class Story:
    subject: Text
    opening: Text  # the customer's first message
    reply: Text  # the agent's first answer; it asks for something, so a ticket can wait on the customer
    followup: Text  # the customer's answer
    resolution: Text  # the agent's answer that solves it
    note: str  # an internal note (agents write them in English)
    hold_note: str  # why the ticket would be on hold
    # Files a turn carries, e.g. ("followup", "photos"): the customer's answer comes with photos.
    files: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Scenario:
    key: str
    team: str  # team slug
    tags: tuple[str, ...]
    stories: tuple[Story, ...]
    weight: int = 10  # how common the request is
    priorities: tuple[tuple[str, int], ...] = (("normal", 8), ("high", 2))
    channels: tuple[tuple[str, int], ...] = (("email", 6), ("web", 3), ("chat", 2), ("phone", 1))
