"""import_and_index: records written by an importer thread while the model embeds what has arrived."""

from __future__ import annotations

import numpy as np
import pytest

from gateway.embeddings import get_embedder
from knowledge.importing.pipeline import import_and_index
from knowledge.importing.records import ImportRecord, Skipped
from knowledge.indexing.chunking import chunk_document, embedding_text, markdown_inline_to_text
from knowledge.models import Article, ArticleRevision, ArticleSource, ArticleStatus, Chunk
from knowledge.services.articles import render_preview

BODY = "## Returns\n\nSend the bike back within {n} days.\n\n## Refunds\n\nRefunds take {n} working days."


def records(count: int, *, changed: int | None = None) -> list[ImportRecord | Skipped]:
    items: list[ImportRecord | Skipped] = [
        ImportRecord(
            external_id=f"doc-{n}",
            title=f"Policy {n}",
            body_md=BODY.format(n=n + (100 if n == changed else 0)) + f"\n\nSee [[policy-{n + 1}]].",
        )
        for n in range(count)
    ]
    items.insert(1, Skipped("line 2", "invalid JSON"))
    return items


def run(items, **options):
    embedded: list[int] = []
    summary, results = import_and_index(
        items, embedder=get_embedder(), source=ArticleSource.JSONL, on_embedded=embedded.append, **options
    )
    return summary, results, embedded


def expected_chunks(article: Article) -> list[str]:
    pieces = chunk_document(markdown_inline_to_text(article.body_md), title=article.title)
    return [embedding_text(title=article.title, heading_path=p.heading_path, text=p.text) for p in pieces]


def assert_indexed_as_the_article_says(article: Article) -> None:
    """The chunks and vectors are those of the article's current text, one per piece, in order."""
    chunks = list(Chunk.objects.filter(article=article).order_by("ordinal"))
    texts = expected_chunks(article)
    assert len(chunks) == len(texts) > 0
    assert [c.text for c in chunks] == [
        p.text for p in chunk_document(markdown_inline_to_text(article.body_md), title=article.title)
    ]
    vectors = get_embedder().embed_published(texts)
    assert np.allclose(np.array([c.embedding for c in chunks]), vectors, atol=1e-5)
    assert all(c.search_vector is not None for c in Chunk.objects.filter(article=article))


@pytest.mark.django_db(transaction=True)
def test_import_and_embedding_overlap_and_leave_what_a_plain_import_leaves():
    summary, results, embedded = run(records(6))
    assert (summary.created, summary.updated, summary.unchanged, len(summary.skipped)) == (6, 0, 0, 1)
    articles = list(Article.objects.order_by("pk"))
    assert sorted(r.article_id for r in results) == [a.pk for a in articles] == sorted(summary.articles)
    assert sum(embedded) == sum(r.chunks for r in results) == Chunk.objects.count()
    for article in articles:
        assert_indexed_as_the_article_says(article)
        assert article.revisions.count() == 1
        # Links to articles imported later resolve too (refreshed once, at the end of the import).
        assert article.body_html == render_preview(body_md=article.body_md)
    assert 'href="/help/policy-1/"' in articles[0].body_html

    again, results, embedded = run(records(6))
    assert (again.created, again.updated, again.unchanged, results, embedded) == (0, 0, 6, [], [])

    revisions = ArticleRevision.objects.count()
    summary, results, _ = run(records(6, changed=3))
    assert (summary.updated, summary.unchanged) == (1, 5)
    changed = Article.objects.get(external_id="doc-3")
    assert [r.article_id for r in results] == [changed.pk]
    assert "103 days" in changed.body_md
    assert_indexed_as_the_article_says(changed)
    assert ArticleRevision.objects.count() == revisions + 1


@pytest.mark.django_db(transaction=True)
def test_drafts_are_imported_and_not_embedded():
    summary, results, embedded = run(records(3), publish=False)
    assert summary.created == 3 and len(summary.articles) == 3
    assert (results, embedded, Chunk.objects.count()) == ([], [], 0)
    assert set(Article.objects.values_list("status", flat=True)) == {ArticleStatus.DRAFT}


@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_source_still_ends_the_import_and_the_embedding():
    def broken():
        yield from records(2)
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        run(broken())
    # What was written before the error is there, and the links among it were refreshed.
    first, second = Article.objects.order_by("pk")
    assert first.body_html == render_preview(body_md=first.body_md)
    assert 'href="/help/policy-1/"' in first.body_html


@pytest.mark.django_db
def test_inside_a_transaction_the_import_runs_first_and_the_indexing_after():
    summary, results, embedded = run(records(3))
    assert summary.created == 3
    assert sum(embedded) == sum(r.chunks for r in results) == Chunk.objects.count() > 0
    for article in Article.objects.all():
        assert_indexed_as_the_article_says(article)


@pytest.mark.django_db(transaction=True)
def test_a_failure_on_the_embedding_side_stops_the_import_and_is_raised():
    def interrupted(chunks):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_and_index(
            records(30), embedder=get_embedder(), source=ArticleSource.JSONL, on_embedded=interrupted
        )
    # The import ended (no thread left waiting); what it wrote is whole: each article has its revision.
    assert 1 <= Article.objects.count() <= 30
    assert ArticleRevision.objects.count() == Article.objects.count()
