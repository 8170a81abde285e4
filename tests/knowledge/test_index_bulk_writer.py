"""articles_index_bulk: batches embedded while the previous batch is written by a writer thread."""

import pytest

from knowledge.indexing.index import articles_index_bulk
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
