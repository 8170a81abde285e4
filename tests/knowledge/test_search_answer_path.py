"""The answer pipeline's search: no highlighting, same hits; query vectors match the indexed ones."""

from __future__ import annotations

import numpy as np
import pytest

from gateway.embeddings import QUERY_BATCH_MAX, get_embedder
from knowledge.indexing.index import article_index
from knowledge.selectors.search import search
from knowledge.services.articles import article_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(db):
    bodies = {
        "Reset your password": "Open the login page and click *Forgot password*. The link is valid for 30 minutes.",
        "Refunds": "Once we receive the returned item, the refund reaches your card within 5 business days.",
        "Shipping costs": "Standard delivery is free above 50 euros. Express delivery costs 9 euros.",
    }
    created = [article_create(title=title, body_md=body, publish=True) for title, body in bodies.items()]
    for article in created:
        article_index(article.pk)
    return created


def test_search_without_snippets_returns_the_same_hits(articles):
    history = [{"role": "user", "text": "I returned a bike last week."}]
    with_snippets = search("how long until the refund reaches my card?", k=3, history=history)
    without = search("how long until the refund reaches my card?", k=3, history=history, snippets=False)
    assert with_snippets and "<mark>" in " ".join(hit.snippet for hit in with_snippets)

    def key(hit):
        return (hit.chunk_id, hit.score, hit.vector_score, hit.text_score, hit.vector_rank, hit.text_rank)

    assert [key(hit) for hit in without] == [key(hit) for hit in with_snippets]
    assert all("<mark>" not in hit.snippet and hit.snippet for hit in without)


def test_query_vectors_on_one_thread_match_the_indexing_path():
    embedder = get_embedder()
    texts = [
        "How do I reset my password?",
        "Wie lange dauert eine Rückerstattung?",
        "Express delivery costs 9 euros.",
    ]
    assert len(texts) <= QUERY_BATCH_MAX
    queries = embedder.embed_queries(texts)  # one BLAS thread
    indexed = embedder.embed_published(texts)  # USE_THREADS, as kb_import/kb_reindex run
    np.testing.assert_allclose(queries, indexed, atol=1e-6)
    assert np.argmax(queries @ indexed.T, axis=1).tolist() == [0, 1, 2]
