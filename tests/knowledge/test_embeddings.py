"""The real default model (loaded once per test session through get_embedder's process cache)."""

import shutil

import numpy as np
import pytest

from gateway.embeddings import (
    EMBEDDING_DIM,
    Embedder,
    EmbeddingModelError,
    LocalUSEEmbedder,
    OpenAIEmbedder,
    get_embedder,
    use_resources_dir,
)
from tests.llm_peer import llm_peer  # noqa: F401  (registers the fixture)


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


def test_default_backend_is_local_use(embedder):
    assert isinstance(embedder, LocalUSEEmbedder)
    assert isinstance(embedder, Embedder)
    assert embedder.dim == EMBEDDING_DIM
    assert embedder.name.startswith("use-multilingual-v3/")
    assert get_embedder() is embedder


def test_vectors_are_512_dim_and_normalised(embedder):
    vectors = embedder.embed_documents(["How do I reset my password?", "Refunds take five days.", ""])
    assert vectors.shape == (3, 512)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_documents([]).shape == (0, 512)


def test_similar_sentences_are_closer_than_unrelated(embedder):
    a, b, c = embedder.embed_queries(
        [
            "How can I change my password?",
            "I forgot my password and need to reset it.",
            "The bike has a flat tyre.",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.2


def test_german_question_is_close_to_english_text(embedder):
    de, en, other = embedder.embed_queries(
        [
            "Wie kann ich meine Bestellung zurückgeben?",
            "How can I return my order?",
            "Our office is closed on public holidays.",
        ]
    )
    assert float(de @ en) > 0.6
    assert float(de @ en) > float(de @ other) + 0.3


def test_tampered_weights_are_refused(tmp_path):
    resources = use_resources_dir()
    shutil.copy(resources / "sp.model", tmp_path / "sp.model")
    data = bytearray((resources / "weights.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "weights.npz").write_bytes(bytes(data))
    with pytest.raises(EmbeddingModelError, match="SHA-256"):
        LocalUSEEmbedder(tmp_path).embed_documents(["hello"])


def test_missing_weights_are_refused(tmp_path):
    with pytest.raises(EmbeddingModelError, match="missing"):
        LocalUSEEmbedder(tmp_path).load()


def test_openai_backend_asks_for_512_dimensions_and_normalises(db, settings, llm_peer):  # noqa: F811
    settings.HELMDESK_EMBEDDINGS = "openai"
    settings.OPENAI_EMBEDDING_MODEL = "text-embedding-3-small"
    embedder = get_embedder()
    assert isinstance(embedder, OpenAIEmbedder)
    assert embedder.name == "openai/text-embedding-3-small@512"
    vectors = embedder.embed_documents(["one", "two words", "three little words"])
    assert vectors.shape == (3, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    request = llm_peer.embedding_requests[-1].body
    assert request["dimensions"] == 512
    assert request["model"] == "text-embedding-3-small"
    assert request["input"] == ["one", "two words", "three little words"]


def test_openai_backend_needs_a_key(settings):
    settings.HELMDESK_EMBEDDINGS = "openai"
    settings.OPENAI_API_KEY = ""
    with pytest.raises(EmbeddingModelError, match="OPENAI_API_KEY"):
        get_embedder()


def test_unknown_backend_is_a_clear_error(settings):
    settings.HELMDESK_EMBEDDINGS = "word2vec"
    with pytest.raises(EmbeddingModelError, match="HELMDESK_EMBEDDINGS"):
        get_embedder()
