"""BM25 inside PostgreSQL, term statistics kept on index, language preference and the relevance cut-off.

Real PostgreSQL, the real embedding model, articles built through the services and indexed by
article_index (which refreshes the term statistics).
"""

import pytest

from knowledge.indexing.index import article_index
from knowledge.indexing.term_stats import term_stats
from knowledge.selectors.search import search
from knowledge.services.articles import article_create

COMMON = "Your order and your account are shown on the order page of your account."


def _article(title, body, **extra):
    article = article_create(title=title, body_md=body, publish=True, **extra)
    article_index(article.pk)
    return article


@pytest.fixture
def common_kb(db):
    """Many articles share the common words 'order' and 'account'; one has the rare word 'invoice'."""
    articles = {}
    for i, topic in enumerate(["shipping", "returns", "payments", "vouchers", "newsletter", "reviews"]):
        articles[topic] = _article(
            f"About {topic}", f"{COMMON} {COMMON} This page is about {topic} number {i}, nothing else."
        )
    articles["invoice"] = _article(
        "Paperwork", "We send the invoice as a PDF by email after shipping. Keep it for the warranty."
    )
    return articles


def test_term_statistics_follow_the_index(common_kb):
    stats = term_stats("english", ["order", "invoic"])
    assert stats["order"] == 6 and stats["invoic"] == 1
    article = common_kb["shipping"]
    article.status = "archived"
    article.save()
    article_index(article.pk)  # unpublished: its chunks go, and the statistics follow
    assert term_stats("english", ["order"])["order"] == 5


def test_a_rare_word_outweighs_common_ones(common_kb):
    # 'order' and 'account' occur often in six articles; 'invoice' once in one. Without IDF the six
    # repeat the common words more often and win; BM25 ranks the article with the rare word first.
    hits = search("order account invoice", k=3, mode="fulltext")
    assert hits[0].article_id == common_kb["invoice"].pk
    assert hits[0].text_score > hits[1].text_score > 0


def test_title_words_count_more_than_body_words(db):
    in_title = _article("Charging the battery", "Plug the charger in and wait until the light turns green.")
    in_body = _article("Light signals", "The light turns green when charging the battery is finished today.")
    hits = search("charging battery", k=2, mode="fulltext")
    assert [hit.article_id for hit in hits] == [in_title.pk, in_body.pk]


def test_follow_up_borrows_the_dialogue_words(db):
    password = _article(
        "Reset your password",
        "Request a reset link on the login page. The reset link is valid for 30 minutes.",
    )
    _article("Delivery times", "Parcels are valid for delivery within 3 days of the order being placed.")
    history = [{"role": "user", "text": "I asked for a password reset link"}]
    hits = search("how long is it valid?", k=2, mode="fulltext", history=history)
    assert hits[0].article_id == password.pk


def test_german_query_prefers_german_articles_then_crosslingual(db):
    english = _article("Shipping costs", "Standard shipping is free above 50 euros; express costs 9 euros.")
    german = _article(
        "Versandkosten",
        "Der Standardversand ist ab 50 Euro kostenlos. Der Expressversand kostet 9 Euro.",
        language="de",
    )
    refund = _article(
        "Refunds", "Once we receive the returned item, the refund reaches your card within 5 days."
    )
    hits = search("Was kostet der Versand?", k=3)
    assert hits[0].article_id == german.pk
    assert english.pk in [hit.article_id for hit in hits]
    # Nothing German about refunds: the English article is found by meaning.
    hits = search("Wann bekomme ich mein Geld zurück?", k=3)
    assert hits[0].article_id == refund.pk
    # And an English query still prefers the English article.
    assert search("How much does shipping cost?", k=3)[0].article_id == english.pk


def test_relevance_cut_off_returns_nothing_for_nonsense(common_kb):
    assert search("xqzv blorf wunkelplatt", k=8, min_relevance=True) == []
    assert search("Which walrus choir sings on the moon tonight?", k=8, min_relevance=True) == []
    found = search("When do I get the invoice for my purchase?", k=8, min_relevance=True)
    assert found and found[0].article_id == common_kb["invoice"].pk
    # Without the cut-off the nearest chunks come back, whatever they are (the AI decides itself).
    assert search("xqzv blorf wunkelplatt", k=8)


def test_snippets_carry_no_markdown(db):
    _article("Battery care", "## Storage\n\nKeep the **battery** at `room temperature` over the winter.")
    snippet = search("battery winter storage", k=1)[0].snippet
    assert "**" not in snippet and "`" not in snippet and "##" not in snippet
    assert "<mark>" in snippet


def test_help_center_search_finds_nothing_for_nonsense(common_kb):
    from knowledge.selectors.help_center import help_center_search

    assert help_center_search(query="xqzv blorf wunkelplatt") == []
    results = help_center_search(query="where is my invoice?")
    assert results and results[0].article.pk == common_kb["invoice"].pk
