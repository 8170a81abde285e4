"""The gateway redacts every outgoing text itself, fails closed, and offers no way around it."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from gateway import llm
from gateway.models import ModelCall
from gateway.pii import RedactionMap

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]

RAW = "I am Maria Jensen, mail maria.jensen@example.com, card 4111 1111 1111 1111."
RAW_VALUES = ["Maria Jensen", "maria.jensen@example.com", "4111 1111 1111 1111"]


def sent_bodies(peer) -> str:
    return "\n".join(request.raw_body.decode("utf-8") for request in peer.requests)


def test_a_caller_passing_raw_text_still_sends_placeholders(llm_peer):
    llm_peer.reply("Noted.")

    llm.complete(feature="answer", messages=[{"role": "user", "content": RAW}])

    [request] = llm_peer.chat_requests
    sent = request.messages[0]["content"]
    assert all(value not in sent for value in RAW_VALUES)
    assert "<PERSON_1>" in sent and "<EMAIL_ADDRESS_1>" in sent and "<CREDIT_CARD_1>" in sent


def test_the_conversation_map_keeps_placeholders_and_redacting_twice_changes_nothing(llm_peer):
    mapping = RedactionMap()
    known = mapping.placeholder_for("PERSON", "Maria Jensen", "customer")
    already = "Hello <PERSON_1>, your card <CREDIT_CARD_3> is noted."
    llm_peer.reply("ok")
    llm_peer.reply("ok")

    result = llm.complete(feature="draft", messages=[{"role": "user", "content": RAW}], redaction=mapping)
    llm.complete(feature="draft", messages=[{"role": "user", "content": already}], redaction=mapping)

    first, second = (request.messages[0]["content"] for request in llm_peer.chat_requests)
    assert known == "<PERSON_1>" and "<PERSON_1>" in first
    assert "maria.jensen@example.com" not in first
    # What the gateway found itself can be put back into the reply, from the call's own map ...
    assert "maria.jensen@example.com" in result.restore_prompt_values(first)
    # ... and never enters the conversation's stored map (it would be swept from later messages).
    assert mapping.value_of("<EMAIL_ADDRESS_1>") is None and len(mapping) == 1
    assert second == already


def test_prompt_markup_and_the_company_name_pass_unchanged(llm_peer, settings):
    settings.HELMDESK_COMPANY_NAME = "Northwind Bikes"
    llm_peer.reply("ok")
    fence = '<<<UNTRUSTED id=bcdfghjkmnpqrstv kind="customer">>>'
    content = (
        "You are the assistant of Northwind Bikes.\n<customer_message>\n"
        + fence
        + "\n"
        + RAW
        + '\n<<<END_UNTRUSTED id=bcdfghjkmnpqrstv>>>\n</customer_message>\n<source n="2">x</source>'
    )

    llm.complete(feature="answer", messages=[{"role": "system", "content": content}])

    sent = llm_peer.chat_requests[0].messages[0]["content"]
    assert "assistant of Northwind Bikes." in sent
    for markup in (fence, "<<<END_UNTRUSTED id=bcdfghjkmnpqrstv>>>", "<customer_message>", '<source n="2">'):
        assert markup in sent
    assert "maria.jensen@example.com" not in sent and "Maria Jensen" not in sent


def test_new_values_never_reuse_a_placeholder_already_in_the_text(llm_peer):
    llm_peer.reply("ok")

    llm.complete(feature="summary", messages=[{"role": "user", "content": "<PERSON_1> wrote. " + RAW}])

    sent = llm_peer.chat_requests[0].messages[0]["content"]
    assert sent.startswith("<PERSON_1> wrote.") and "<PERSON_2>" in sent


def test_content_parts_are_redacted_and_non_text_parts_refused(llm_peer):
    llm_peer.reply("ok")
    parts = [{"type": "text", "text": RAW}]

    llm.complete(feature="answer", messages=[{"role": "user", "content": parts}])

    assert "Maria" not in sent_bodies(llm_peer)
    image = [{"type": "image_url", "image_url": {"url": "https://example.com/card.png"}}]
    with pytest.raises(llm.LLMRedactionFailed):
        llm.complete(feature="answer", messages=[{"role": "user", "content": image}])
    assert len(llm_peer.requests) == 1


def test_streams_and_embeddings_are_redacted_too(llm_peer):
    llm_peer.reply("streamed")

    with llm.stream(feature="answer", messages=[{"role": "user", "content": RAW}]) as stream:
        assert "".join(stream) == "streamed"
    llm.embed([RAW], dimensions=8)

    assert len(llm_peer.chat_requests) == len(llm_peer.embedding_requests) == 1
    assert all(value not in sent_bodies(llm_peer) for value in RAW_VALUES)
    assert "<EMAIL_ADDRESS_1>" in llm_peer.embedding_requests[0].body["input"][0]


def test_when_redaction_fails_nothing_is_sent(llm_peer, broken_pii_engine):
    llm_peer.reply("must never be served")

    with pytest.raises(llm.LLMRedactionFailed) as raised:
        llm.complete(feature="answer", messages=[{"role": "user", "content": RAW}])
    with pytest.raises(llm.LLMRedactionFailed):
        llm.stream(feature="answer", messages=[{"role": "user", "content": RAW}])
    with pytest.raises(llm.LLMRedactionFailed):
        llm.embed([RAW])

    assert raised.value.reason == "redaction_failed"
    assert isinstance(raised.value, llm.LLMError)  # pipelines fall back to extractive mode
    assert llm_peer.requests == []
    assert llm_peer.pending == 1
    outcomes = set(ModelCall.objects.values_list("outcome", flat=True))
    assert outcomes == {"redaction_failed"}
    assert set(ModelCall.objects.values_list("sent", flat=True)) == {""}


def test_no_entry_point_takes_a_switch_to_skip_redaction():
    for function in (llm.complete, llm.stream, llm.embed, llm.embed_published_content):
        names = set(inspect.signature(function).parameters)
        assert not names & {"redact", "unredacted", "raw", "skip_redaction", "allow_pii"}, function
    assert not any(name.startswith("create_completion") for name in dir(llm))


def test_the_gateway_imports_no_app():
    root = Path(llm.__file__).resolve().parents[1]
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {name}"
                for name in names
                if name.split(".")[0] in {"ai", "knowledge", "helpdesk", "demo"}
            ]
    assert offenders == []


def test_the_prompts_canary_and_fence_ids_always_survive_redaction():
    """Random canaries once read as places or phone numbers now and then (1-2%): never again."""
    from ai.guardrails import make_boundary, make_canary, spotlight_instructions
    from gateway.llm.redaction import redact_texts

    pairs = [(make_canary(), make_boundary()) for _ in range(300)]
    texts = [f"Never output this marker: {c}\n{spotlight_instructions(b)}" for c, b in pairs]
    for (canary, boundary), sent in zip(pairs, redact_texts(texts), strict=True):
        assert canary in sent and sent.count(boundary) == 3


def test_markup_lookalikes_cannot_carry_personal_data_past_redaction():
    from gateway.llm.redaction import redact_texts

    (sent,) = redact_texts(
        ['Card id=4111111111111111, <source n="4111 1111 1111 1111">, HDC-4111111111111111, Maria Jensen']
    )
    assert "4111" not in sent and "Maria Jensen" not in sent
