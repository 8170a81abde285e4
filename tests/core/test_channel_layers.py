"""The in-memory channel layer's throttled expiry sweep: no O(sockets) walk on every send, and what
expired is still dropped once the interval has passed."""

from __future__ import annotations

import asyncio
import time

from asgiref.sync import async_to_sync

from core.channel_layers import InMemoryChannelLayer


def test_sweep_runs_at_most_once_per_interval_and_still_drops_what_expired():
    async def scenario():
        layer = InMemoryChannelLayer(expiry=0.05, sweep_every_s=0.3)
        channel = await layer.new_channel()
        await layer.group_add("chat.ticket.1", channel)
        await layer.group_send("chat.ticket.1", {"type": "chat.sync"})  # the first send sweeps
        await asyncio.sleep(0.1)  # that message has expired, unread
        await layer.group_send("chat.ticket.1", {"type": "chat.sync"})  # within the interval: no sweep
        assert channel in layer.groups["chat.ticket.1"]
        assert layer.channels[channel].qsize() == 2
        await asyncio.sleep(0.3)
        started = time.monotonic()
        await layer.group_send("chat.ticket.1", {"type": "chat.sync"})  # past the interval: swept
        assert time.monotonic() - started < 0.2
        assert "chat.ticket.1" not in layer.groups or channel not in layer.groups["chat.ticket.1"]
        assert channel not in layer.channels

    async_to_sync(scenario)()


def test_messages_within_expiry_are_delivered_in_order():
    async def scenario():
        layer = InMemoryChannelLayer(sweep_every_s=0)
        channel = await layer.new_channel()
        await layer.group_add("chat.ticket.2", channel)
        for n in range(3):
            await layer.group_send("chat.ticket.2", {"type": "chat.sync", "n": n})
        assert [(await layer.receive(channel))["n"] for _ in range(3)] == [0, 1, 2]

    async_to_sync(scenario)()
