"""Shared helpers for chat tests: widgets, visitor sockets, frames."""

from __future__ import annotations

import itertools

from channels.testing import WebsocketCommunicator

from chat.models import ChatWidget
from config.asgi import application

ORIGIN = "https://shop.example.com"
_ids = itertools.count(1)


def make_widget(**extra) -> ChatWidget:
    values = {
        "name": "Shop",
        "allowed_origins": f"{ORIGIN}\nhttps://www.example.com",
        "ai_first_answer": False,
    }
    return ChatWidget.objects.create(**{**values, **extra})


def visitor_socket(
    widget: ChatWidget, *, origin: str = ORIGIN, ip: str = "203.0.113.5"
) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode()), (b"host", b"desk.example.com")]
    communicator = WebsocketCommunicator(application, f"/ws/chat/{widget.key}/", headers=headers)
    communicator.scope["client"] = (ip, 50000 + next(_ids))
    return communicator


async def connect(widget, **kwargs) -> WebsocketCommunicator:
    ws = visitor_socket(widget, **kwargs)
    connected, _ = await ws.connect()
    assert connected
    return ws


async def hello(ws, **frame) -> dict:
    await ws.send_json_to({"type": "hello", **frame})
    welcome = await ws.receive_json_from(timeout=10)
    assert welcome["type"] == "welcome", welcome
    return welcome


async def frames_until(ws, predicate, timeout: float = 10) -> list[dict]:
    received = []
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        received.append(frame)
        if predicate(frame):
            return received


async def say(ws, text: str, client_id: str) -> dict:
    """Send a message and return the server's copy of it (the acknowledgement, with its seq)."""
    await ws.send_json_to({"type": "message", "text": text, "client_id": client_id})
    frames = await frames_until(
        ws, lambda f: f.get("client_id") == client_id and f["type"] in ("message", "error")
    )
    return frames[-1]


def client_ids():
    return (f"c-{n}" for n in itertools.count(1))
