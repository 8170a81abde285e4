"""Record what a service emits: hooks (core.hooks) and real-time events (helpdesk.events).

Both are real: a recording function is registered like any app's hook, and a channel joins the
`inbox.all` group of the in-memory channel layer, which receives every ticket event."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from core import hooks
from helpdesk.events import ALL_GROUP

HOOK_NAMES = (
    "ticket_created",
    "customer_message_posted",
    "agent_message_posted",
    "ticket_updated",
    "ticket_solved",
)


@pytest.fixture
def hook_calls():
    """A list of (hook name, kwargs) in the order the hooks ran (after commit)."""
    calls: list[tuple[str, dict]] = []
    recorders = {}
    for name in HOOK_NAMES:

        def record(name=name, **kwargs):
            calls.append((name, kwargs))

        recorders[name] = record
        hooks.register(name, record)
    yield calls
    for name, record in recorders.items():
        hooks._registry[name].remove(record)


class Broadcasts:
    def __init__(self):
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(ALL_GROUP, self.channel)

    def drain(self) -> list[dict]:
        """Every ticket event sent since the last drain, as the payloads the pages receive."""

        async def receive_all():
            payloads = []
            while True:
                try:
                    event = await asyncio.wait_for(self.layer.receive(self.channel), timeout=0.05)
                except TimeoutError:
                    return payloads
                payloads.append(event["payload"])

        return async_to_sync(receive_all)()

    def kinds(self) -> list[str]:
        return [payload["kind"] for payload in self.drain()]

    def close(self):
        async_to_sync(self.layer.group_discard)(ALL_GROUP, self.channel)


@pytest.fixture
def broadcasts():
    recorder = Broadcasts()
    yield recorder
    recorder.close()
