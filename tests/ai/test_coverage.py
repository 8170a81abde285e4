"""The BM25 coverage signal (ai.pipelines.coverage, knowledge.selectors.term_coverage) on a real index."""

from __future__ import annotations

import pytest

from ai.pipelines.coverage import NEUTRAL, coverage_signal
from ai.pipelines.extractive import ExtractiveAnswer, QuotedSentence
from knowledge.models import Chunk
from knowledge.selectors.search import SearchHit, fulltext_query_terms
from knowledge.selectors.term_coverage import idf_coverage

pytestmark = pytest.mark.django_db

QUESTION = "How long is the password reset link valid?"


def chunk_of(article) -> Chunk:
    return Chunk.objects.filter(article=article).order_by("id").first()


def hit(chunk: Chunk, rank: int = 1) -> SearchHit:
    return SearchHit(
        chunk_id=chunk.pk, article_id=chunk.article_id, article_title="", article_slug="", url="",
        heading_path=(), text=chunk.text, snippet="", language="en", category_id=None, score=1.0 / rank,
        vector_score=0.5, text_score=1.0, vector_rank=rank, text_rank=rank,
    )  # fmt: skip


def quote(text: str, source: int) -> ExtractiveAnswer:
    sentence = QuotedSentence(text, source, 0, 0.5, 0.5, 0.5)
    return ExtractiveAnswer(text=f"{text} [{source}]", sentences=[sentence])


def test_the_chunk_with_the_question_words_covers_its_idf_mass(help_center):
    password, shipping = chunk_of(help_center["password"]), chunk_of(help_center["shipping"])
    found = idf_coverage([QUESTION], [1.0], [password.pk, shipping.pk])
    assert set(found) == {password.pk, shipping.pk}
    assert found[password.pk].total == pytest.approx(found[shipping.pk].total)  # same config, same query
    # "long" is in no article: left out of the known mass, the password chunk holds all the rest.
    assert found[password.pk].known < found[password.pk].total
    assert found[password.pk].known_share == pytest.approx(1.0)
    assert 0.6 < found[password.pk].total_share < 0.7
    assert found[shipping.pk].known_share < 0.1


def test_rare_words_weigh_more_than_common_ones(help_center):
    password = chunk_of(help_center["password"])
    # "password" is in one chunk, "standard" in two (shipping, battery): the rare word weighs more.
    rare = idf_coverage(["password"], [1.0], [password.pk])[password.pk]
    common = idf_coverage(["standard"], [1.0], [password.pk])[password.pk]
    assert rare.total > common.total > 0
    both = idf_coverage(["password standard"], [1.0], [password.pk])[password.pk]
    assert 0.5 < both.known_share < 1.0


def test_a_question_the_knowledge_base_knows_no_word_of_covers_nothing(help_center):
    password = chunk_of(help_center["password"])
    found = idf_coverage(["zyxwvut qwertzuiop"], [1.0], [password.pk])[password.pk]
    assert found.total > 0 and found.known == 0 and found.known_share == 0.0


def test_history_words_count_with_the_search_weights(help_center):
    texts, weights = fulltext_query_terms(
        "and how long is it valid?", [{"role": "user", "text": "password reset"}]
    )
    assert texts == ["and how long is it valid?", "password reset"]
    assert weights[0] == 1.0 and 0 < weights[1] < 1
    password = chunk_of(help_center["password"])
    alone = idf_coverage(texts[:1], weights[:1], [password.pk])[password.pk]
    with_history = idf_coverage(texts, weights, [password.pk])[password.pk]
    assert with_history.known > alone.known


def test_the_signal_is_read_on_the_passage_of_the_best_quoted_sentence(help_center):
    password, shipping = chunk_of(help_center["password"]), chunk_of(help_center["shipping"])
    hits = [hit(shipping, 1), hit(password, 2)]
    on_password = coverage_signal(QUESTION, hits, quote("The reset link is valid for 24 hours.", 2))
    on_shipping = coverage_signal(QUESTION, hits, quote("Orders ship within 2 business days.", 1))
    assert on_password == pytest.approx(1.0) and on_shipping < 0.1


def test_no_quote_or_no_question_is_neutral(help_center):
    password = chunk_of(help_center["password"])
    assert coverage_signal(QUESTION, [hit(password)], ExtractiveAnswer(text="")) == NEUTRAL
    assert coverage_signal("", [hit(password)], quote("The reset link is valid.", 1)) == NEUTRAL


def test_without_term_statistics_the_signal_is_neutral(help_center):
    from django.db import connection

    password = chunk_of(help_center["password"])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE knowledge_chunk SET search_vector = NULL WHERE id = %s", [password.pk])
    assert idf_coverage([QUESTION], [1.0], [password.pk]) == {}
    assert coverage_signal(QUESTION, [hit(password)], quote("The reset link is valid.", 1)) == NEUTRAL
