"""Token-by-token streaming of a model's answer into the widget: the pieces arrive while the model
writes (before the checked answer is stored), placeholders are filled with what the visitor gave, the
checked answer with its citations replaces them; an answer that fails its checks is withdrawn and a
leaked canary never reaches the visitor."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from ai.models import AISettings
from ai.tasks.inbound import handle_inbound
from helpdesk.models import Message
from tests.chat.helpers import connect, frames_until, hello, make_widget, say
from tests.llm_peer import Fault, Reply
from tests.llm_peer.scripting import error_body

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("patient_pii")]
QUESTION = "How long is the password reset link valid? I requested one this morning."
PIECES = ["The", " reset", " link", " is", " valid", " for", " 24", " hours", " [1]."]


@pytest.fixture(autouse=True)
def _low_threshold(db):
    row = AISettings.load()
    row.confidence_threshold = 0.3
    row.save()


def _script(llm_peer, answer):
    """The answer prompt gets `answer` (a Reply or a function of the request); anything else (triage)
    gets an error, which the AI tolerates."""

    def respond(request):
        if '<source n="1">' in request.prompt_text:
            return answer(request) if callable(answer) else answer
        return Fault("status", status=400, body=error_body("not scripted"))

    llm_peer.set_default(respond)


async def _ask_then_answer(widget, settings):
    """The visitor asks (AI off at that moment), then the AI task runs while the socket listens."""
    ws = await connect(widget)
    await hello(ws)
    mine = await say(ws, QUESTION, "q-1")
    message_id = await database_sync_to_async(
        lambda: Message.objects.get(ticket_id=mine["ticket"], seq=mine["seq"]).pk
    )()
    task = asyncio.ensure_future(database_sync_to_async(handle_inbound)(mine["ticket"], message_id))
    frames = await frames_until(
        ws,
        lambda f: f["type"] == "stream_end" or (f["type"] == "message" and f["author"] == "ai"),
        timeout=120,
    )
    await task
    while not await ws.receive_nothing(timeout=1):
        frames.append(await ws.receive_json_from())
    await ws.disconnect()
    return mine, frames


def test_model_tokens_reach_the_visitor_while_written_then_the_checked_answer(
    help_center, llm_peer, settings
):
    settings.HELMDESK_AI_INBOUND = False  # the test runs the AI task itself, beside the open socket
    _script(llm_peer, Reply(content="".join(PIECES), chunks=PIECES))
    widget = make_widget(ai_first_answer=True)

    mine, frames = async_to_sync(_ask_then_answer)(widget, settings)

    live = [f for f in frames if f["type"] == "stream" and "after" in f]
    answer_at = next(i for i, f in enumerate(frames) if f["type"] == "message" and f["author"] == "ai")
    answer = frames[answer_at]
    assert len(live) >= 3, frames  # several pieces, not one block
    assert all(f["after"] == mine["seq"] for f in live)
    assert all(frames.index(f) < answer_at for f in live)  # written before the checked answer arrived
    streamed = "".join(f["delta"] for f in live)
    assert streamed == "The reset link is valid for 24 hours "  # up to the last whitespace
    assert answer["text"] == "".join(PIECES) and answer["text"].startswith(streamed)
    assert answer["citations"][0]["title"] == "Reset your password"
    assert not answer["streamable"]  # not streamed a second time
    assert [f["shown"] for f in frames if f["type"] == "stream_end"] == [True]


def test_a_leaked_canary_is_never_streamed_and_the_answer_is_withdrawn(help_center, llm_peer, settings):
    settings.HELMDESK_AI_INBOUND = False

    def leak(request):
        system = request.messages[0]["content"]
        canary = next(word for word in system.split() if word.startswith("HDC-"))
        return Reply(content=f"My secret is {canary} and more text [1].",
                     chunks=["My", " secret", " is ", canary[:5], canary[5:], " and", " more", " text", " [1]."])  # fmt: skip

    _script(llm_peer, leak)
    widget = make_widget(ai_first_answer=True)

    mine, frames = async_to_sync(_ask_then_answer)(widget, settings)

    streamed = "".join(f["delta"] for f in frames if f["type"] == "stream" and "after" in f)
    assert streamed == "My secret is "
    assert "HDC" not in streamed
    assert [f["shown"] for f in frames if f["type"] == "stream_end"] == [False]
    assert not Message.objects.filter(
        ticket_id=mine["ticket"], author_kind="ai", ai_mode="generative"
    ).exists()


def test_placeholders_in_the_stream_are_filled_with_what_the_visitor_gave(help_center, llm_peer, settings):
    settings.HELMDESK_AI_INBOUND = False
    _script(llm_peer, lambda request: Reply(
        content="Hi <PERSON_1>, the reset link is valid for 24 hours [1].",
        chunks=["Hi", " <PERSON_1>,", " the", " reset", " link", " is", " valid", " for", " 24", " hours", " [1]."],
    ))  # fmt: skip
    widget = make_widget(ai_first_answer=True)

    async def scenario():
        ws = await connect(widget)
        await hello(ws)
        mine = await say(ws, f"I am Maria Gonzalez. {QUESTION}", "q-1")
        message_id = await database_sync_to_async(
            lambda: Message.objects.get(ticket_id=mine["ticket"], seq=mine["seq"]).pk
        )()
        task = asyncio.ensure_future(database_sync_to_async(handle_inbound)(mine["ticket"], message_id))
        frames = await frames_until(ws, lambda f: f["type"] == "message" and f["author"] == "ai", timeout=120)
        await task
        await ws.disconnect()
        return frames

    frames = async_to_sync(scenario)()
    streamed = "".join(f["delta"] for f in frames if f["type"] == "stream" and "after" in f)
    assert streamed.startswith("Hi Maria Gonzalez, the reset")
    assert "<PERSON" not in streamed
    assert frames[-1]["text"].startswith("Hi Maria Gonzalez,")
