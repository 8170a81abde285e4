"""One answer embeds each text once (ai.pipelines.embedding_memo), with the same result as before."""

from __future__ import annotations

import numpy as np
import pytest

from ai.pipelines.answer import AnswerRequest, answer_question
from ai.pipelines.embedding_memo import EmbeddingMemo
from gateway.embeddings import get_embedder
from gateway.pii import Redactor

HISTORY = [
    {"role": "user", "text": "I forgot my password and cannot log in."},
    {"role": "assistant", "text": "You can reset it from the login page."},
    {"role": "user", "text": "Where do I find the reset link?"},
]


def test_memo_embeds_only_texts_it_has_not_seen_and_returns_the_models_vectors():
    embedder = get_embedder()
    sent: list[list[str]] = []

    def embed(texts):
        sent.append(list(texts))
        return embedder.embed_queries(list(texts))

    memo = EmbeddingMemo(embed)
    first = memo(["reset my password", "shipping to Austria"])
    second = memo(
        ["shipping to Austria", "battery charging time", "reset my password", "battery charging time"]
    )
    assert sent == [["reset my password", "shipping to Austria"], ["battery charging time"]]
    assert memo.calls == 2 and memo.embedded == 3
    assert np.array_equal(second[0], first[1]) and np.array_equal(second[2], first[0])
    assert np.array_equal(second[1], second[3])
    direct = embedder.embed_queries(["shipping to Austria", "battery charging time", "reset my password"])
    np.testing.assert_allclose(second[:3], direct, atol=1e-6)  # float32 rounding of other batches only


@pytest.mark.django_db
@pytest.mark.usefixtures("patient_pii")
def test_an_answer_with_history_sends_each_text_to_the_model_once(help_center, monkeypatch):
    embedder = get_embedder()
    request = AnswerRequest(
        question="How long is the reset link valid?",
        history=HISTORY,
        previous_questions=[turn["text"] for turn in HISTORY if turn["role"] == "user"],
        known_language="en",
    )
    # Each stage embedding on its own, as before the memo (retrieval asks the embedder itself).
    separate = answer_question(
        request, redactor=Redactor(), embed=lambda texts: embedder.embed_queries(list(texts)), threshold=0.0
    )

    sent: list[str] = []
    real = embedder.embed_queries

    def recording(texts):
        sent.extend(texts)
        return real(texts)

    monkeypatch.setattr(embedder, "embed_queries", recording)
    shared = answer_question(request, redactor=Redactor(), threshold=0.0)

    assert shared.decision == separate.decision == "answered", shared.reason
    assert "How long is the reset link valid?" in sent  # retrieval went through the shared memo
    assert len(sent) == len(set(sent)), [text for text in sent if sent.count(text) > 1]
    assert shared.text == separate.text and "24 hours" in shared.text
    assert shared.citations == separate.citations
    assert [hit.chunk_id for hit in shared.hits] == [hit.chunk_id for hit in separate.hits]
    assert shared.confidence == pytest.approx(separate.confidence, abs=1e-4)
