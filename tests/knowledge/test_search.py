"""search(): the real model, real PostgreSQL full text and pgvector, articles built through the services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge.indexing.index import article_index
from knowledge.models import Article, ArticleStatus
from knowledge.selectors.search import SearchHit, best_chunk_per_article, search, search_articles
from knowledge.services.articles import article_create
from knowledge.services.categories import category_create

ARTICLES = {
    "password": (
        "Reset your password",
        "## Forgotten password\n\nOpen the login page and click *Forgot password*. We email you a link; "
        "it is valid for 30 minutes. Choose a new password with at least 12 characters.",
    ),
    "refunds": (
        "Refunds",
        "## How long a refund takes\n\nOnce we receive the returned item, the refund reaches your card within "
        "5 business days. Bank transfers can take up to 10 days.",
    ),
    "shipping": (
        "Shipping costs",
        "## Delivery\n\nStandard delivery is free above 50 euros. Express delivery arrives the next working "
        "day and costs 9 euros.",
    ),
    "bikes": (
        "Adjusting the saddle height",
        "## Saddle\n\nLoosen the seat clamp with a 5 mm hex key, set the saddle to hip height and tighten "
        "the clamp to 6 Nm.",
    ),
}


@pytest.fixture
def kb(db):
    account = category_create(name="Account")
    orders = category_create(name="Orders")
    articles = {}
    for key, (title, body) in ARTICLES.items():
        category = account if key == "password" else orders
        articles[key] = article_create(title=title, body_md=body, category=category, publish=True)
    articles["versand_de"] = article_create(
        title="Versandkosten",
        body_md="## Lieferung\n\nDer Standardversand ist ab 50 Euro kostenlos. Expressversand kostet 9 Euro.",
        category=orders,
        language="de",
        publish=True,
    )
    articles["internal"] = article_create(
        title="Refund override for agents",
        body_md="Agents only: use the walrus override code to force a refund above the limit.",
        category=orders,
        internal_only=True,
        publish=True,
    )
    articles["draft"] = article_create(
        title="Upcoming zebra recall", body_md="Draft: the zebra recall starts next month.", category=orders
    )
    articles["script"] = article_create(
        title="Voucher codes",
        body_md="Enter the voucher <script>alert(1)</script> code at checkout when the total is < 100 & save.",
        category=orders,
        publish=True,
    )
    for article in articles.values():
        article_index(article.pk)
    return {"categories": {"account": account, "orders": orders}, **articles}


def _titles(hits: list[SearchHit]) -> list[str]:
    return [hit.article_title for hit in hits]


@pytest.mark.parametrize("mode", ["hybrid", "vector", "fulltext"])
def test_finds_the_right_article(kb, mode):
    hits = search("I forgot my password, how do I get a new one?", k=3, mode=mode)
    assert hits[0].article_id == kb["password"].pk


def test_hit_fields(kb):
    hit = search("How long does a refund take?", k=1)[0]
    assert hit.article_id == kb["refunds"].pk
    assert hit.article_slug == kb["refunds"].slug and hit.url.endswith(f"{kb['refunds'].slug}/")
    assert hit.heading_path == ("How long a refund takes",)
    assert "5 business days" in hit.text
    assert hit.vector_score is not None and 0 < hit.vector_score <= 1
    assert hit.text_score is not None and hit.text_score > 0
    assert hit.score > 0 and hit.vector_rank == 1
    assert hit.language == "en" and hit.category_id == kb["categories"]["orders"].pk


def test_german_question_finds_the_english_article(kb):
    hits = search("Wie lange dauert es, bis ich mein Geld zurückbekomme?", k=3, language=None)
    assert hits[0].article_id == kb["refunds"].pk
    hits = search("Ich habe mein Passwort vergessen. Was soll ich tun?", k=3)
    assert hits[0].article_id == kb["password"].pk


def test_public_never_sees_internal_or_draft(kb):
    for query in ["walrus override code refund", "zebra recall", "Refund override for agents"]:
        for mode in ("hybrid", "vector", "fulltext"):
            ids = {hit.article_id for hit in search(query, k=20, audience="public", mode=mode)}
            assert kb["internal"].pk not in ids
            assert kb["draft"].pk not in ids
    internal_hits = search("walrus override code", k=3, audience="internal")
    assert internal_hits[0].article_id == kb["internal"].pk
    assert kb["draft"].pk not in {h.article_id for h in search("zebra recall", k=20, audience="internal")}


def test_visibility_is_checked_even_before_the_reindex_task_ran(kb):
    # Status and flag changed by a service; its index task has not run yet, the chunks are still there.
    Article.objects.filter(pk=kb["refunds"].pk).update(status=ArticleStatus.DRAFT)
    Article.objects.filter(pk=kb["shipping"].pk).update(internal_only=True)
    public_ids = {h.article_id for h in search("refund delivery costs", k=20, audience="public")}
    assert kb["refunds"].pk not in public_ids and kb["shipping"].pk not in public_ids
    internal_ids = {h.article_id for h in search("refund delivery costs", k=20, audience="internal")}
    assert kb["shipping"].pk in internal_ids and kb["refunds"].pk not in internal_ids


def test_language_and_category_filters(kb):
    german = search("Versand Kosten", k=10, language="de")
    assert german and {h.language for h in german} == {"de"}
    assert german[0].article_id == kb["versand_de"].pk
    account = search("refund shipping password", k=10, category_id=kb["categories"]["account"].pk)
    assert {h.article_id for h in account} == {kb["password"].pk}


def test_snippet_is_highlighted_and_escaped(kb):
    hit = search("voucher code checkout", k=1, mode="fulltext")[0]
    assert hit.article_id == kb["script"].pk
    assert "<mark>" in hit.snippet and "</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&lt; 100 &amp; save" in hit.snippet


def test_history_resolves_a_follow_up_question(kb):
    history = [
        {"role": "user", "text": "I sent my order back last week and want my money back."},
        {"role": "assistant", "text": "I can help with that."},
    ]
    follow_up = "How long will that take?"
    assert search(follow_up, k=1, history=history)[0].article_id == kb["refunds"].pk


def test_one_search_is_two_sql_statements(kb):
    with CaptureQueriesContext(connection) as queries:
        search("How much is express delivery?", k=5)
    assert len(queries) == 2


def test_empty_query_and_bad_arguments(kb):
    assert search("   ") == []
    with pytest.raises(ValueError):
        search("refund", audience="everyone")
    with pytest.raises(ValueError):
        search("refund", mode="magic")


def test_document_level_helpers(kb):
    articles = search_articles("refund money back card", k=3)
    assert articles[0].article_id == kb["refunds"].pk
    assert len({a.article_id for a in articles}) == len(articles)
    hits = search("refund", k=10, audience="internal")
    collapsed = best_chunk_per_article(hits)
    assert [a.article_id for a in collapsed] == list(dict.fromkeys(h.article_id for h in hits))


class BrokenEmbedder:
    name, dim = "broken", 512

    def embed_queries(self, texts):
        from gateway.embeddings import EmbeddingModelError

        raise EmbeddingModelError("weights missing")

    embed_documents = embed_queries


def test_hybrid_falls_back_to_full_text_when_embedding_fails(kb):
    from gateway.embeddings import EmbeddingModelError

    hits = search("refund card business days", k=3, embedder=BrokenEmbedder())
    assert hits[0].article_id == kb["refunds"].pk
    assert hits[0].vector_score is None
    with pytest.raises(EmbeddingModelError):
        search("refund", mode="vector", embedder=BrokenEmbedder())
