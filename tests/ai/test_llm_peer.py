"""The test peer itself: what other tests rely on when they script it."""

import base64
import struct

import openai
import pytest

from gateway import llm
from tests.llm_peer import LLMPeer, embedding_vector

QUESTION = [{"role": "user", "content": "Hello?"}]


@pytest.fixture
def raw_client():
    with LLMPeer() as peer:
        client = openai.OpenAI(api_key="k", base_url=peer.base_url, max_retries=0, timeout=2)
        yield peer, client
        client.close()


def test_unscripted_request_is_refused_with_a_clear_message(raw_client):
    peer, client = raw_client

    with pytest.raises(openai.BadRequestError, match="no scripted response"):
        client.chat.completions.create(model="m", messages=QUESTION)
    assert len(peer.chat_requests) == 1


def test_default_reply_serves_every_request_once_the_queue_is_empty(raw_client):
    peer, client = raw_client
    peer.reply("scripted")
    peer.set_default("default")

    texts = [
        client.chat.completions.create(model="m", messages=QUESTION).choices[0].message.content
        for _ in range(3)
    ]

    assert texts == ["scripted", "default", "default"]


def test_base64_embeddings_decode_to_the_same_vectors(raw_client):
    peer, client = raw_client

    as_base64 = client.embeddings.create(
        model="e", input="refund policy", dimensions=16, encoding_format="base64"
    )
    as_floats = client.embeddings.create(
        model="e", input="refund policy", dimensions=16, encoding_format="float"
    )

    assert as_floats.data[0].embedding == pytest.approx(embedding_vector("refund policy", 16))
    decoded = as_base64.data[0].embedding
    if isinstance(decoded, str):  # the client leaves decoding to the caller
        decoded = list(struct.unpack("<16f", base64.b64decode(decoded)))
    assert decoded == pytest.approx(as_floats.data[0].embedding, abs=1e-6)


def test_embeddings_of_related_texts_are_closer():
    def cosine(a, b):
        return sum(x * y for x, y in zip(a, b, strict=True))

    reset = embedding_vector("how to reset my password", 256)
    related = embedding_vector("password reset link", 256)
    unrelated = embedding_vector("shipping to Canada", 256)

    assert cosine(reset, related) > cosine(reset, unrelated)


def test_unknown_path_is_404(raw_client):
    peer, client = raw_client

    with pytest.raises(openai.NotFoundError):
        client.completions.create(model="m", prompt="legacy endpoint")


def test_requests_record_headers_and_body(raw_client):
    peer, client = raw_client
    peer.reply("ok")

    client.chat.completions.create(model="m", messages=QUESTION, user="ticket-7")

    request = peer.chat_requests[0]
    assert request.headers["authorization"] == "Bearer k"
    assert request.body["user"] == "ticket-7"
    assert request.last_user_text == "Hello?"


@pytest.mark.django_db
def test_unscripted_request_through_the_provider_is_unavailable(llm_peer):
    with pytest.raises(llm.LLMUnavailable, match="no scripted response"):
        llm.complete(feature="answer", messages=QUESTION)
