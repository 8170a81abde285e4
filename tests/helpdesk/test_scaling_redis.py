"""With REDIS_URL, several processes share one channel layer: an event sent by another process (a
worker, a second daphne) reaches a WebSocket group joined here. Needs the local Redis (.ci/run starts it)."""

import asyncio
import os
import socket
import sys
import uuid
from pathlib import Path

import pytest
from channels.layers import channel_layers

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("HELMDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")

SENDER = """
import django, os
django.setup()
from helpdesk import events
events._send([os.environ["GROUP"]], {"kind": "message", "ticket_id": 42, "from_pid": os.getpid()})
"""


def test_event_from_another_process_reaches_this_one(settings):
    prefix = f"helmdesk-test-{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": prefix},
        }
    }
    channel_layers.backends = {}
    group = f"inbox.team.{uuid.uuid4().hex[:6]}"

    async def scenario():
        layer = channel_layers["default"]
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "REDIS_URL": REDIS_URL,
               "GROUP": group, "HELMDESK_CHANNELS_PREFIX": prefix}  # fmt: skip
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", SENDER, cwd=ROOT, env=env)
        assert await asyncio.wait_for(proc.wait(), timeout=120) == 0
        message = await asyncio.wait_for(layer.receive(channel), timeout=20)
        await layer.group_discard(group, channel)
        await layer.flush()
        return message

    try:
        message = asyncio.run(scenario())
    finally:
        channel_layers.backends = {}
    assert message["type"] == "ticket.event"
    assert message["payload"]["ticket_id"] == 42 and message["payload"]["from_pid"] != os.getpid()
