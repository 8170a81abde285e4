"""The AI's first answer in a chat: answered from the help center (extractive mode, no model),
streamed to the visitor in pieces, then the whole message with its cited articles; "Talk to a
person" puts the chat in the queue and the AI stays quiet from then on."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from ai.models import AISettings
from chat.models import ChatSession
from helpdesk.models import Message
from tests.chat.helpers import connect, frames_until, hello, make_widget

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("patient_pii")]
QUESTION = "How long is the password reset link valid? I requested one this morning."


@pytest.fixture(autouse=True)
def _low_threshold(db):
    row = AISettings.load()
    row.confidence_threshold = 0.3
    row.save()


def test_answer_streams_with_citations_then_handoff_to_a_person(help_center, ai_inbound_on):
    widget = make_widget(ai_first_answer=True)

    async def scenario():
        ws = await connect(widget)
        await hello(ws)
        await ws.send_json_to({"type": "message", "text": QUESTION, "client_id": "q-1"})
        frames = await frames_until(ws, lambda f: f["type"] == "message" and f["author"] == "ai", timeout=120)
        chunks = [f["delta"] for f in frames if f["type"] == "stream"]
        answer = frames[-1]
        assert len(chunks) > 2 and "".join(chunks) == answer["text"]
        assert "24 hours" in answer["text"]
        assert answer["citations"] and answer["citations"][0]["title"] == "Reset your password"
        assert answer["citations"][0]["url"].startswith(("http", "/"))

        await ws.send_json_to({"type": "handoff"})
        notice = await frames_until(ws, lambda f: f["type"] == "message" and f["author"] == "system")
        assert "person" in notice[-1]["text"]
        await ws.send_json_to({"type": "message", "text": "Thanks, still need help", "client_id": "q-2"})
        await frames_until(ws, lambda f: f.get("client_id") == "q-2")
        extra = []
        while not await ws.receive_nothing(timeout=2):
            extra.append(await ws.receive_json_from())
        assert [f for f in extra if f["type"] in ("message", "stream")] == []  # no second AI answer
        await ws.disconnect()
        return answer["ticket"]

    ticket_id = async_to_sync(scenario)()
    session = ChatSession.objects.get(ticket_id=ticket_id)
    assert session.status == "waiting"
    assert Message.objects.filter(ticket_id=ticket_id, author_kind="ai", is_internal=False).count() == 1


def test_widget_without_ai_first_answer_gets_no_ai_reply(help_center, ai_inbound_on):
    widget = make_widget(ai_first_answer=False)

    async def scenario():
        ws = await connect(widget)
        await hello(ws)
        await ws.send_json_to({"type": "message", "text": QUESTION, "client_id": "q-1"})
        mine = await frames_until(ws, lambda f: f.get("client_id") == "q-1", timeout=120)
        assert await ws.receive_nothing(timeout=2)
        await ws.disconnect()
        return mine[-1]["ticket"]

    ticket_id = async_to_sync(scenario)()
    assert ChatSession.objects.get(ticket_id=ticket_id).status == "waiting"
    assert not Message.objects.filter(ticket_id=ticket_id, author_kind="ai", is_internal=False).exists()
