"""Who has a ticket open, and who is typing a reply: short-lived presence in the cache.

Each open ticket page says "still here" every few seconds (and "typing" while the agent writes);
an entry that is not renewed expires on its own (VIEWING_TTL, TYPING_TTL), so a closed tab drops out
without any goodbye. When the set of agents or their typing state changes, the ticket's live group is
told ("presence"), so the other pages update at once instead of at their next poll.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

from helpdesk import events
from helpdesk.models import Agent

VIEWING_TTL = 30  # seconds without a heartbeat before an agent no longer counts as viewing
TYPING_TTL = 8  # seconds after the last keystroke heartbeat before "typing" ends


@dataclass(frozen=True)
class Presence:
    agent_id: int
    name: str
    typing: bool


def _key(ticket_id: int) -> str:
    return f"helmdesk:presence:{ticket_id}"


def _live(entries: dict, now: float) -> dict:
    return {agent_id: entry for agent_id, entry in entries.items() if entry["seen"] + VIEWING_TTL > now}


def _state(entries: dict, now: float) -> set[tuple[int, bool]]:
    return {(agent_id, entry["typed"] + TYPING_TTL > now) for agent_id, entry in entries.items()}


def presence_touch(*, ticket_id: int, agent: Agent, typing: bool = False, now: float | None = None) -> bool:
    """Record that `agent` has the ticket open (and is typing). Returns whether what other agents see
    changed; if so the ticket's live group hears about it."""
    now = time.time() if now is None else now
    entries = _live(cache.get(_key(ticket_id)) or {}, now)
    before = _state(entries, now)
    previous = entries.get(agent.pk, {})
    entries[agent.pk] = {
        "name": agent.name,
        "seen": now,
        "typed": now if typing else previous.get("typed", 0.0),
    }
    cache.set(_key(ticket_id), entries, VIEWING_TTL * 2)
    changed = _state(entries, now) != before
    if changed:
        events.broadcast_presence(ticket_id=ticket_id)
    return changed


def presence_leave(*, ticket_id: int, agent: Agent) -> None:
    entries = cache.get(_key(ticket_id)) or {}
    if entries.pop(agent.pk, None) is not None:
        cache.set(_key(ticket_id), entries, VIEWING_TTL * 2)
        events.broadcast_presence(ticket_id=ticket_id)


def presence_others(*, ticket_id: int, agent: Agent, now: float | None = None) -> list[Presence]:
    """The other agents who have the ticket open now, typists first."""
    now = time.time() if now is None else now
    entries = _live(cache.get(_key(ticket_id)) or {}, now)
    others = [
        Presence(agent_id=agent_id, name=entry["name"], typing=entry["typed"] + TYPING_TTL > now)
        for agent_id, entry in entries.items()
        if agent_id != agent.pk
    ]
    return sorted(others, key=lambda p: (not p.typing, p.name))
