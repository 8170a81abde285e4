"""articles_index_bulk and articles_index_stream: batches embedded while the previous batch is written by a writer thread."""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge.indexing.index import _plan, _plan_batches, _swap, _write_batch, articles_index_bulk
from knowledge.models import Article, ArticleSource, ArticleStatus, Chunk
from knowledge.models.chunks import EMBEDDING_DIMENSIONS

BODY = "## Returns\n\nSend the bike back within 30 days.\n\n## Refunds\n\nRefunds take five working days."


def make_articles(count: int, start: int = 0) -> list[int]:
    articles = Article.objects.bulk_create(
        Article(title=f"Policy {n}", slug=f"policy-{n}", body_md=BODY, language="en",
                status=ArticleStatus.PUBLISHED, source=ArticleSource.JSONL, external_id=f"p{n}")
        for n in range(start, start + count)
    )  # fmt: skip
    return [article.pk for article in articles]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_every_batch_is_written_by_the_writer_thread():
    ids = make_articles(5)
    embedded = []
    results = articles_index_bulk(ids, batch=3, progress=embedded.append)
    assert sorted(result.article_id for result in results) == ids
    chunks = Chunk.objects.filter(article_id__in=ids)
    assert chunks.count() == sum(result.chunks for result in results) == sum(embedded)
    assert len(embedded) >= 2  # more than one batch went through the pipeline
    assert not chunks.filter(search_vector__isnull=True).exists()


@pytest.mark.django_db
def test_inside_a_transaction_the_writes_stay_on_the_callers_connection():
    ids = make_articles(2)
    results = articles_index_bulk(ids, batch=1)
    assert Chunk.objects.filter(article_id__in=ids).count() == sum(result.chunks for result in results) > 0


@pytest.mark.django_db
def test_articles_are_batched_by_chunks_and_a_group_that_arrived_never_waits_for_the_next():
    ids = make_articles(4)
    Article.objects.filter(pk=ids[1]).update(status=ArticleStatus.DRAFT)
    articles = list(Article.objects.filter(pk__in=ids).order_by("pk"))

    def batched(groups, size):
        return [[plan.article.pk for plan in batch] for batch in _plan_batches(groups, size)]

    assert batched([articles[:3], articles[3:]], 1000) == [[ids[0], ids[2]], [ids[3]]]
    assert batched([articles], 1) == [[ids[0]], [ids[2]], [ids[3]]]  # an article is never split
    assert batched([articles], 1000) == [[ids[0], ids[2], ids[3]]]


def _vectors(plans):
    """Distinct unit vectors, one per chunk, in the order the writer takes them."""
    count = sum(len(plan.texts) for plan in plans)
    vectors = np.zeros((count, EMBEDDING_DIMENSIONS), dtype=np.float32)
    vectors[np.arange(count), np.arange(count) % EMBEDDING_DIMENSIONS] = 1.0
    return vectors


@pytest.mark.django_db
def test_a_batch_is_written_in_a_fixed_number_of_statements_whatever_its_size():
    def statements(count, start):
        ids = make_articles(count, start)
        plans = [_plan(article) for article in Article.objects.filter(pk__in=ids).order_by("pk")]
        with CaptureQueriesContext(connection) as queries:
            results = _write_batch(plans, _vectors(plans), "model-x")
        assert [result.article_id for result in results] == ids
        return len(queries)

    assert statements(2, 0) == statements(7, 100)


@pytest.mark.django_db
def test_a_batch_swap_leaves_what_one_swap_per_article_leaves():
    ids = make_articles(3)
    Article.objects.filter(pk=ids[2]).update(title="Bicycle warranty", internal_only=True)
    plans = [_plan(article) for article in Article.objects.filter(pk__in=ids).order_by("pk")]
    vectors = _vectors(plans)

    def state():
        rows = Chunk.objects.filter(article_id__in=ids).order_by("article_id", "ordinal")
        fields = (
            "article_id",
            "ordinal",
            "text",
            "heading_path",
            "audience",
            "content_hash",
            "embedding_model",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT article_id, ordinal, search_vector::text FROM knowledge_chunk"
                " WHERE article_id = ANY(%s) ORDER BY 1, 2",
                [ids],
            )
            vectors = cursor.fetchall()
        return [(*(getattr(row, name) for name in fields), list(row.embedding)) for row in rows], vectors

    offset, one_by_one = 0, []
    for plan in plans:
        one_by_one.append(_swap(plan, dict(zip(plan.hashes, vectors[offset:], strict=False)), "model-x", 1))
        offset += len(plan.hashes)
    expected = state()
    batched = _write_batch(plans, vectors, "model-x")
    assert state() == expected
    assert [(r.article_id, r.chunks) for r in batched] == [(r.article_id, r.chunks) for r in one_by_one]
    assert [r.removed for r in batched] == [r.chunks for r in one_by_one]  # the previous swap's chunks
    assert Chunk.objects.get(article_id=ids[2], ordinal=0).audience == "internal"
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM knowledge_chunk WHERE article_id = %s", [ids[2]])
        assert all("'bicycl':1A" in vector for (vector,) in cursor.fetchall())  # the title, weight A


@pytest.mark.django_db
def test_an_article_unpublished_while_embedding_loses_its_chunks_and_the_others_are_written():
    ids = make_articles(3)
    plans = [_plan(article) for article in Article.objects.filter(pk__in=ids).order_by("pk")]
    _write_batch(plans, _vectors(plans), "model-x")
    before = Chunk.objects.filter(article_id=ids[1]).count()
    Article.objects.filter(pk=ids[1]).update(status=ArticleStatus.DRAFT)
    results = _write_batch(plans, _vectors(plans), "model-y")
    assert [(r.article_id, r.chunks == 0, r.removed) for r in results][1] == (ids[1], True, before)
    assert not Chunk.objects.filter(article_id=ids[1]).exists()
    assert set(Chunk.objects.values_list("embedding_model", flat=True)) == {"model-y"}
    assert (
        Chunk.objects.filter(article_id__in=[ids[0], ids[2]]).count() == results[0].chunks + results[2].chunks
    )


@pytest.mark.django_db
def test_an_article_saved_twice_in_one_batch_ends_with_its_later_plan():
    (article_id,) = make_articles(1)
    first = _plan(Article.objects.get(pk=article_id))
    Article.objects.filter(pk=article_id).update(body_md="## Returns\n\nA new policy: sixty days.")
    second = _plan(Article.objects.get(pk=article_id))
    results = _write_batch([first, second], _vectors([first, second]), "model-x")
    assert [r.chunks for r in results] == [len(first.texts), len(second.texts)]
    assert results[1].removed == len(first.texts)
    texts = list(
        Chunk.objects.filter(article_id=article_id).order_by("ordinal").values_list("text", flat=True)
    )
    assert texts == [piece.text for piece in second.pieces]
