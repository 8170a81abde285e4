"""articles_index_bulk and articles_index_stream: batches embedded while the previous batch is written by a writer thread."""

import pytest

from knowledge.indexing.index import _plan_batches, articles_index_bulk
from knowledge.models import Article, ArticleSource, ArticleStatus, Chunk

BODY = "## Returns\n\nSend the bike back within 30 days.\n\n## Refunds\n\nRefunds take five working days."


def make_articles(count: int) -> list[int]:
    articles = Article.objects.bulk_create(
        Article(title=f"Policy {n}", slug=f"policy-{n}", body_md=BODY, language="en",
                status=ArticleStatus.PUBLISHED, source=ArticleSource.JSONL, external_id=f"p{n}")
        for n in range(count)
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
