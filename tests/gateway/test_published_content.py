"""The one exception: published knowledge-base content is embedded as written (company content)."""

from __future__ import annotations

import pytest

from gateway import llm
from gateway.embeddings import get_embedder
from gateway.models import ModelCall
from knowledge.indexing.index import article_index
from knowledge.services.articles import article_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]

CONTACT = "Call our support line +1 984-182-0190 or write to Anna Berg at anna.berg@example.com."


def test_published_content_is_sent_as_written_and_customer_text_is_not(llm_peer):
    llm.embed_published_content([CONTACT], dimensions=8)
    llm.embed([CONTACT], dimensions=8)

    published, customer = (request.body["input"][0] for request in llm_peer.embedding_requests)
    assert published == CONTACT
    assert "anna.berg@example.com" not in customer and "<EMAIL_ADDRESS_1>" in customer
    kinds = list(ModelCall.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["published_embedding", "embedding"]


def test_indexing_a_published_article_uses_the_exception_and_search_does_not(llm_peer, settings):
    settings.HELMDESK_EMBEDDINGS = "openai"
    article = article_create(title="Contact us", body_md=CONTACT, publish=True)

    article_index(article.pk)
    get_embedder().embed_queries(["I am Anna Berg, anna.berg@example.com"])

    indexed, query = llm_peer.embedding_requests
    assert any("anna.berg@example.com" in text for text in indexed.body["input"])
    assert "anna.berg@example.com" not in query.body["input"][0]
    assert list(ModelCall.objects.order_by("pk").values_list("kind", flat=True)) == [
        "published_embedding",
        "embedding",
    ]


def test_the_local_embedder_keeps_everything_in_process(llm_peer, settings):
    settings.HELMDESK_EMBEDDINGS = "local"
    embedder = get_embedder()

    embedder.embed_queries([CONTACT])
    embedder.embed_published([CONTACT])

    assert llm_peer.requests == []
