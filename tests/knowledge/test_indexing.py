"""Indexing through the real services, the real model and real PostgreSQL."""

import threading

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Q

from gateway.embeddings import get_embedder
from knowledge.indexing.index import article_index, stale_article_ids
from knowledge.indexing.tasks import article_index_task
from knowledge.models import Article, Chunk
from knowledge.services.articles import article_archive, article_create, article_unpublish, article_update


class CountingEmbedder:
    """The real embedder, counting how many texts it was asked to embed."""

    def __init__(self):
        self.inner = get_embedder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.embedded = 0

    def embed_published(self, texts):
        self.embedded += len(texts)
        return self.inner.embed_published(texts)

    def embed_documents(self, texts):
        raise AssertionError("published articles are indexed through embed_published")

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)


LONG_BODY = "\n\n".join(
    f"## Step {i}\n\n"
    + " ".join(f"Step {i} sentence {j} describes the bike return in detail." for j in range(25))
    for i in range(4)
)


def _publish(django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        return article_create(publish=True, **fields)


def test_publishing_indexes_the_article_through_the_task(db, category, django_capture_on_commit_callbacks):
    article = _publish(
        django_capture_on_commit_callbacks,
        title="Return a bike",
        body_md=LONG_BODY,
        category=category,
        language="de",
    )
    chunks = list(Chunk.objects.filter(article=article))
    assert len(chunks) >= 2
    first = chunks[0]
    assert first.heading_path == ["Step 0"]
    assert first.audience == "public" and first.language == "de" and first.category_id == category.pk
    assert first.search_config == "german"
    assert first.embedding_model == get_embedder().name
    assert len(first.embedding) == 512
    assert Chunk.objects.filter(article=article, search_vector__isnull=True).count() == 0
    # Title words are in the tsvector (weight A) even though the chunk text does not contain them.
    assert Chunk.objects.filter(article=article, search_vector=SearchQuery("bike", config="german")).exists()


def test_internal_article_chunks_are_internal(db, internal_article):
    article_index(internal_article.pk)
    assert set(Chunk.objects.filter(article=internal_article).values_list("audience", flat=True)) == {
        "internal"
    }


def test_draft_is_not_indexed(db, draft_article):
    result = article_index(draft_article.pk)
    assert result.chunks == 0
    assert not Chunk.objects.filter(article=draft_article).exists()


def test_only_the_edited_article_is_reindexed(db, category, django_capture_on_commit_callbacks):
    a = _publish(django_capture_on_commit_callbacks, title="Returns", body_md=LONG_BODY, category=category)
    b = _publish(
        django_capture_on_commit_callbacks, title="Shipping", body_md="We ship in 2 days.", category=category
    )
    b_chunks = list(Chunk.objects.filter(article=b).values_list("pk", "content_hash"))
    a_before = set(Chunk.objects.filter(article=a).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        article_update(article=a, body_md=LONG_BODY + "\n\n## Step 9\n\nNew final step.")

    assert list(Chunk.objects.filter(article=b).values_list("pk", "content_hash")) == b_chunks
    a_after = set(Chunk.objects.filter(article=a).values_list("pk", flat=True))
    assert a_after and not (a_after & a_before)
    assert Chunk.objects.filter(article=a, text__contains="New final step").exists()


def test_unchanged_chunks_are_not_embedded_again(db, category):
    article = article_create(title="Returns", body_md=LONG_BODY, category=category, publish=True)
    embedder = CountingEmbedder()
    first = article_index(article.pk, embedder=embedder)
    assert first.embedded == first.chunks == embedder.embedded > 1

    second = article_index(article.pk, embedder=embedder)
    assert second.embedded == 0 and second.chunks == first.chunks

    Article.objects.filter(pk=article.pk).update(
        body_md=LONG_BODY.replace("Step 3 sentence 24", "Step 3 line 24")
    )
    third = article_index(article.pk, embedder=embedder)
    assert 1 <= third.embedded < third.chunks


def test_task_is_idempotent(db, published_article):
    assert article_index_task(published_article.pk)["chunks"] >= 1
    snapshot = list(
        Chunk.objects.filter(article=published_article).values_list("ordinal", "text", "content_hash")
    )
    again = article_index_task(published_article.pk)
    assert again["embedded"] == 0
    assert (
        list(Chunk.objects.filter(article=published_article).values_list("ordinal", "text", "content_hash"))
        == snapshot
    )


@pytest.mark.parametrize("change", ["unpublish", "archive", "delete"])
def test_leaving_published_removes_chunks(db, published_article, change, django_capture_on_commit_callbacks):
    article_index(published_article.pk)
    assert Chunk.objects.filter(article_id=published_article.pk).exists()
    article_id = published_article.pk
    with django_capture_on_commit_callbacks(execute=True):
        if change == "unpublish":
            article_unpublish(article=published_article)
        elif change == "archive":
            article_archive(article=published_article)
    if change == "delete":
        published_article.delete()
        article_index(article_id)
    assert not Chunk.objects.filter(article_id=article_id).exists()


def test_internal_flag_change_moves_chunks_to_internal(
    db, published_article, django_capture_on_commit_callbacks
):
    article_index(published_article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        article_update(article=published_article, internal_only=True)
    assert set(Chunk.objects.filter(article=published_article).values_list("audience", flat=True)) == {
        "internal"
    }


def test_stale_article_ids_finds_other_models_and_unindexed(db, category):
    a = article_create(title="A", body_md="Alpha text.", category=category, publish=True)
    b = article_create(title="B", body_md="Beta text.", category=category, publish=True)
    c = article_create(title="C", body_md="Gamma text.", category=category, publish=True)
    for article in (a, b):
        article_index(article.pk)
    Chunk.objects.filter(article=b).update(embedding_model="old-model")
    name = get_embedder().name
    assert stale_article_ids(name) == [b.pk, c.pk]
    assert stale_article_ids(name, everything=True) == [a.pk, b.pk, c.pk]


@pytest.mark.django_db(transaction=True)
def test_concurrent_reader_sees_old_chunks_while_new_ones_are_written(category, monkeypatch):
    """Between deleting the old chunks and inserting the new ones, another connection still sees the old."""
    article = article_create(title="Returns", body_md=LONG_BODY, category=category, publish=True)
    article_index(article.pk)
    old_ids = set(Chunk.objects.filter(article=article).values_list("pk", flat=True))
    Article.objects.filter(pk=article.pk).update(body_md=LONG_BODY + "\n\n## Step 9\n\nA new step.")

    deleted, read_done = threading.Event(), threading.Event()
    seen: list[set[int]] = []

    def reader():
        try:
            assert deleted.wait(60)
            seen.append(set(Chunk.objects.filter(article_id=article.pk).values_list("pk", flat=True)))
        finally:
            read_done.set()
            connections.close_all()

    original_bulk_create = Chunk.objects.bulk_create

    def paused_bulk_create(objs, *args, **kwargs):
        # Called inside the swap transaction, after the old chunks were deleted.
        assert connection.in_atomic_block
        deleted.set()
        assert read_done.wait(60)
        return original_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(Chunk.objects, "bulk_create", paused_bulk_create)
    thread = threading.Thread(target=reader)
    thread.start()
    article_index(article.pk)
    thread.join(60)

    assert seen == [old_ids]
    new_ids = set(Chunk.objects.filter(article=article).values_list("pk", flat=True))
    assert new_ids and not (new_ids & old_ids)
    assert Chunk.objects.filter(Q(article=article) & Q(text__contains="A new step")).exists()


def test_kb_reindex_reembeds_other_models_and_drops_unpublished(db, category, capsys):
    current = article_create(
        title="Current", body_md="Already embedded by the configured model.", publish=True
    )
    outdated = article_create(title="Outdated", body_md="Embedded by an old model.", publish=True)
    gone = article_create(title="Gone", body_md="Unpublished, but its task has not run.", publish=True)
    for article in (current, outdated, gone):
        article_index(article.pk)
    current_ids = set(Chunk.objects.filter(article=current).values_list("pk", flat=True))
    Chunk.objects.filter(article=outdated).update(embedding_model="old-model/1")
    Article.objects.filter(pk=gone.pk).update(status="draft")

    call_command("kb_reindex", "--no-progress")

    name = get_embedder().name
    assert set(Chunk.objects.values_list("embedding_model", flat=True)) == {name}
    assert set(Chunk.objects.filter(article=current).values_list("pk", flat=True)) == current_ids
    assert Chunk.objects.filter(article=outdated).exists()
    assert not Chunk.objects.filter(article=gone).exists()
    assert "1 articles re-embedded" in capsys.readouterr().out

    call_command("kb_reindex", "--all", "--no-progress")
    assert "2 articles re-embedded" in capsys.readouterr().out
    assert not (set(Chunk.objects.filter(article=current).values_list("pk", flat=True)) & current_ids)
