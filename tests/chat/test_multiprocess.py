"""Two daphne processes sharing a Redis channel layer (and cache): the visitor on one, the agent on
the other; messages flow both ways; the visitor's process is killed mid-conversation and restarted,
and after the resync nothing is lost and nothing is duplicated. Starts its own redis-server."""

from __future__ import annotations

import asyncio
import json
import shutil

import pytest
from django.conf import settings
from django.test import Client

from chat.models import ChatSession
from helpdesk.models import Message
from tests.chat.helpers import make_widget
from tests.chat.servers import Daphne, ensure_cache_table, free_port, server_env
from tests.conftest import make_agent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed"),
]
ORIGIN = "https://shop.example.com"


async def recv_until(ws, predicate, timeout: float = 30) -> list[dict]:
    frames = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        frames.append(frame)
        if predicate(frame):
            return frames


def test_two_processes_with_redis_and_a_restart_lose_nothing(redis_url, team, tmp_path):
    import websockets

    agent = make_agent("alice", teams=[team])
    widget = make_widget(team=team)
    agent_client = Client()
    agent_client.force_login(agent.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={agent_client.cookies[settings.SESSION_COOKIE_NAME].value}"
    ensure_cache_table()
    env = server_env(
        REDIS_URL=redis_url, HELMDESK_CHANNELS_PREFIX=f"chat-test-{free_port()}", HELMDESK_AI_INBOUND="0"
    )
    one = Daphne(free_port(), env, tmp_path / "one.log")
    two = Daphne(free_port(), env, tmp_path / "two.log")
    one.start()
    two.start()
    visitor_url = f"ws://127.0.0.1:{one.port}/ws/chat/{widget.key}/"

    async def scenario():
        visitor = await websockets.connect(visitor_url, origin=ORIGIN)
        await visitor.send(json.dumps({"type": "hello"}))
        welcome = json.loads(await visitor.recv())
        await visitor.send(
            json.dumps({"type": "message", "text": "Hello from process one", "client_id": "v-1"})
        )
        mine = (await recv_until(visitor, lambda f: f.get("client_id") == "v-1"))[-1]
        session_id = await asyncio.to_thread(lambda: ChatSession.objects.get(ticket_id=mine["ticket"]).pk)

        desk = await websockets.connect(
            f"ws://localhost:{two.port}/ws/desk/chat/{session_id}/",
            origin=f"http://localhost:{two.port}", additional_headers={"Cookie": cookie},
        )  # fmt: skip
        await desk.send(json.dumps({"type": "hello", "last_seq": 0}))
        assert (await recv_until(desk, lambda f: f["type"] == "message"))[-1][
            "text"
        ] == "Hello from process one"
        # idle longer than redis-py 8's default read timeout: the sockets must survive it
        await asyncio.sleep(6)

        # visitor (process one) -> agent (process two), live through Redis
        await visitor.send(json.dumps({"type": "message", "text": "Are you there?", "client_id": "v-2"}))
        assert (await recv_until(desk, lambda f: f["type"] == "message"))[-1]["text"] == "Are you there?"
        # agent (process two) -> visitor (process one)
        await desk.send(json.dumps({"type": "message", "text": "Yes, Alice here.", "client_id": "a-1"}))
        got = (await recv_until(visitor, lambda f: f["type"] == "message" and f["author"] == "agent"))[-1]
        assert got["text"] == "Yes, Alice here."
        last_seq = got["seq"]

        # the visitor's process dies; the agent keeps writing on process two
        await asyncio.to_thread(one.kill)
        for n, text in enumerate(["Still there?", "I found your order."]):
            await desk.send(json.dumps({"type": "message", "text": text, "client_id": f"a-{n + 2}"}))
            await recv_until(desk, lambda f, text=text: f["type"] == "message" and f["text"] == text)
        await asyncio.to_thread(one.start)

        back = await websockets.connect(visitor_url, origin=ORIGIN)
        await back.send(json.dumps({"type": "hello", "token": welcome["token"], "ticket": mine["ticket"],
                                    "last_seq": last_seq}))  # fmt: skip
        assert json.loads(await back.recv())["type"] == "welcome"
        missed = [json.loads(await asyncio.wait_for(back.recv(), 30)) for _ in range(2)]
        assert [m["text"] for m in missed] == ["Still there?", "I found your order."]
        # the widget resends what it never saw acknowledged: same client id, no duplicate
        await back.send(json.dumps({"type": "message", "text": "Are you there?", "client_id": "v-2"}))
        await back.send(json.dumps({"type": "message", "text": "Great, thanks!", "client_id": "v-3"}))
        thanks = (await recv_until(back, lambda f: f.get("client_id") == "v-3"))[-1]
        assert thanks["seq"] == missed[-1]["seq"] + 1
        assert (await recv_until(desk, lambda f: f["type"] == "message"))[-1]["text"] == "Great, thanks!"
        for ws in (back, desk, visitor):
            await ws.close()
        return mine["ticket"]

    try:
        ticket_id = asyncio.run(scenario())
    except Exception:
        print(one.log.read_text()[-4000:], two.log.read_text()[-4000:])
        raise
    finally:
        one.stop()
        two.stop()
    texts = list(
        Message.objects.filter(ticket_id=ticket_id).order_by("seq").values_list("body_text", flat=True)
    )
    assert texts == ["Hello from process one", "Are you there?", "Yes, Alice here.", "Still there?",
                     "I found your order.", "Great, thanks!"]  # fmt: skip
