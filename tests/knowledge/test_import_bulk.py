"""The bulk import path (article_create_many, batches of records) leaves the rows the per-record path
(article_create / article_update, one transaction each: ``batch=1``) leaves: articles, slugs, rendered
HTML, revisions, events, categories, the summary, and, through import_and_index, the chunks, vectors,
search vectors and term statistics."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from django.db import connection, transaction

from gateway.embeddings import get_embedder
from knowledge.importing.pipeline import import_and_index
from knowledge.importing.records import ImportRecord, ImportSummary, Skipped, import_records
from knowledge.indexing.term_stats import refresh_term_stats
from knowledge.models import Article, ArticleEvent, ArticleRevision, ArticleSource, Category, Chunk
from knowledge.services.articles import article_create
from knowledge.services.articles_bulk import NewArticle, article_create_many

SOURCE = ArticleSource.JSONL
BODY = "## Returns\n\nSend the bike back within {n} days.\n\n## Refunds\n\nRefunds take {n} working days."


def record(external_id: str, title: str, body: str, **fields) -> ImportRecord:
    return ImportRecord(external_id=external_id, title=title, body_md=body, **fields)


def records() -> list[ImportRecord | Skipped]:
    """Every case the bulk path must get right: slug collisions (within the import, with an existing
    article, with a reserved path), links to articles before and after in the same import, to an
    existing public article, to a draft and to itself, categories new and matched case-insensitively,
    bad records, a changed and an unchanged article, one id twice, whitespace and language case."""
    return [
        record(
            "a",
            "Policy",
            BODY.format(n=1) + "\n\nSee [[policy-2]], [[shipping]], [[secret-plans]], "
            "[self](/help/policy/) and [[Later One|the later one]].",
            category="Billing",
        ),  # fmt: skip
        Skipped("line 2", "invalid JSON"),
        record("b", "Policy", "Back to [[policy]] and [[Policy|the first]]; [x](/help/shipping-2/)."),
        record("i", "Index", "Start at [[Policy]]."),  # resolves to policy; the refresh at the end misses it
        record("c", "Search", BODY.format(n=3), category="billing", summary="  spaced  out  "),
        record("d", "Shipping", "Ships in [[search-2]] days.", language="DE-ch", source_url="https://x/d"),
        record("e", "   ", "no title here"),
        record("f", "Empty", "  \n "),
        record("upd", "Changed policy", BODY.format(n=9)),
        record("same", "Unchanged policy", BODY.format(n=5)),
        record("g", "  Later \n  one  ", "Mentions [[policy]].", category="New shelf"),
        record("a", "Policy", BODY.format(n=2) + "\n\nNow links [[later-one]]."),  # the same id again
        record("h", "Later one", "A second later one, linked [[later-one]]."),
    ]


@pytest.fixture
def existing(agent):
    """What is in the knowledge base before the import."""
    article_create(title="Shipping", body_md="How we ship.", publish=True)
    article_create(title="Secret plans", body_md="Draft.")
    for external_id, title, n in (("upd", "Changed policy", 8), ("same", "Unchanged policy", 5)):
        article = record(external_id, title, BODY.format(n=n))
        article_create(title=title, body_md=article.body_md, publish=True, source=SOURCE,
                       external_id=external_id, content_hash=article.content_hash())  # fmt: skip


def snapshot(summary) -> dict:
    """Every row the import writes, with primary keys replaced by natural keys (slugs)."""
    slug = dict(Article.objects.values_list("pk", "slug"))
    categories = dict(Category.objects.values_list("pk", "slug"))
    articles = sorted(
        (a.slug, a.title, a.summary, a.body_md, a.body_html, categories.get(a.category_id), a.language,
         a.status, a.published_at is not None, a.internal_only, a.position, a.translation_of_id,
         a.source, a.external_id, a.source_url, a.content_hash, a.created_by_id, a.updated_by_id)
        for a in Article.objects.all()
    )  # fmt: skip
    revisions = sorted(
        (slug[r.article_id], r.number, r.title, r.summary, r.body_md, r.author_id, r.note)
        for r in ArticleRevision.objects.all()
    )
    events = sorted(
        (slug[e.article_id], e.actor_id, e.actor_label, e.field, e.before, e.after)
        for e in ArticleEvent.objects.all()
    )
    cats = sorted(Category.objects.values_list("name", "slug", "language", "description", "position"))
    return {"articles": articles, "revisions": revisions, "events": events, "categories": cats,
            "summary": summary.as_dict(), "skipped": summary.skipped,
            "order": [slug[pk] for pk in summary.articles]}  # fmt: skip


def imported(batch: int, items, caplog, **options) -> dict:
    """Import with ``batch``, take the snapshot, roll the import back."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="knowledge.importing.records"), transaction.atomic():
        summary = import_records(items, source=SOURCE, batch=batch, **options)
        rows = snapshot(summary)
        transaction.set_rollback(True)
    rows["fell back"] = "one by one" in caplog.text  # the bulk transaction failed: per record instead
    return rows


@pytest.mark.parametrize("publish", [True, False])
@pytest.mark.parametrize("batch", [32, 3, 2])
def test_bulk_import_writes_the_rows_the_per_record_import_writes(existing, agent, batch, publish, caplog):
    reference = imported(1, records(), caplog, publish=publish, actor=agent)
    bulk = imported(batch, records(), caplog, publish=publish, actor=agent)
    assert bulk == reference and not bulk["fell back"]
    # The cases happened: collisions, links both ways, the repeated id updated, bad records skipped.
    by_slug = {row[0]: row for row in bulk["articles"]}
    assert {"policy", "policy-2", "search-2", "shipping-2", "later-one", "later-one-2"} <= by_slug.keys()
    assert bulk["summary"] == {"created": 7, "updated": 2, "unchanged": 1, "skipped": 3,
                               "skipped_reasons": {"invalid JSON": 1, "no title": 1, "no text": 1}}  # fmt: skip
    assert by_slug["shipping-2"][6] == "de-ch" and by_slug["search-2"][2] == "spaced  out"
    if publish:
        assert 'href="/help/policy/"' in by_slug["policy-2"][4]  # an article written before it
        assert 'href="/help/later-one/"' in by_slug["policy"][4]  # after it: refreshed at the end
        assert 'href="/help/shipping-2/"' in by_slug["policy-2"][4]
        assert 'href="/help/policy/"' in by_slug["index"][4]


def test_a_record_the_database_refuses_is_skipped_and_the_rest_of_its_batch_imported(existing, agent, caplog):
    items = records()
    items[3:3] = [record("nul", "Broken", "a NUL \x00 byte"), Skipped("line 5", "too large")]
    reference = imported(1, items, caplog, publish=True, actor=agent)
    bulk = imported(32, items, caplog, publish=True, actor=agent)
    assert bulk.pop("fell back") and not reference.pop("fell back")
    assert bulk == reference
    assert bulk["summary"]["created"] == 7 and bulk["summary"]["skipped_reasons"]["error"] == 1


def test_an_error_in_the_source_still_writes_the_records_read_before_it(existing):
    def broken():
        yield from records()[:3]
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        import_records(broken(), source=SOURCE)
    assert set(Article.objects.filter(source=SOURCE).values_list("external_id", flat=True)) == {
        "a", "b", "upd", "same"
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_bulk_import_without_the_model_queues_one_task_that_indexes_everything():
    """Tests run django-q synchronously: the task the import queues runs when the import ends."""
    from django_q.models import Task

    summary = import_records([record(str(n), f"Doc {n}", BODY.format(n=n)) for n in range(5)], source=SOURCE)
    assert summary.created == 5
    assert set(Chunk.objects.values_list("article_id", flat=True)) == set(summary.articles)
    assert list(Task.objects.values_list("func", flat=True)) == [
        "knowledge.indexing.tasks.articles_index_task"
    ]


def indexed_rows() -> dict:
    slug = dict(Article.objects.values_list("pk", "slug"))
    chunks = sorted(
        (slug[c.article_id], c.ordinal, c.heading_path, c.text, c.word_count, c.language, c.audience,
         c.embedding_model, c.search_config, c.content_hash, str(c.search_vector), list(c.embedding))
        for c in Chunk.objects.all()
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT config, lexeme, df FROM knowledge_term_stat ORDER BY 1, 2")
        terms = cursor.fetchall()
        cursor.execute("SELECT config, chunks, avg_length FROM knowledge_corpus_stat ORDER BY 1")
        corpus = cursor.fetchall()
    return {"chunks": chunks, "terms": terms, "corpus": corpus}


@pytest.mark.django_db(transaction=True)
def test_bulk_import_and_index_leaves_the_chunks_vectors_and_statistics_of_the_per_record_one():
    items = [record(f"doc-{n}", f"Policy {n}", BODY.format(n=n) + f"\n\nSee [[policy-{n + 1}]].")
             for n in range(10)]  # fmt: skip
    runs = []
    for batch in (1, 4):
        summary, results = import_and_index(items, embedder=get_embedder(), source=SOURCE, batch=batch)
        assert summary.created == 10 and sum(r.chunks for r in results) == Chunk.objects.count() >= 10
        rows = indexed_rows()
        runs.append((rows, {a.slug: a.body_html for a in Article.objects.all()}))
        Article.objects.all().delete()
        refresh_term_stats()
    (reference, reference_html), (bulk, bulk_html) = runs
    assert bulk_html == reference_html
    assert bulk["terms"] == reference["terms"] and bulk["corpus"] == reference["corpus"]
    assert [row[:-1] for row in bulk["chunks"]] == [row[:-1] for row in reference["chunks"]]
    assert np.allclose(
        [row[-1] for row in bulk["chunks"]], [row[-1] for row in reference["chunks"]], atol=1e-6
    )


def test_article_create_many_is_article_create_for_each(agent, category):
    """The service on its own (default note, a category, drafts and published), rows compared."""
    specs = [NewArticle(title="Alpha", body_md="See [[beta]].", category=category),
             NewArticle(title="Beta", body_md="See [[alpha]] and [[Alpha]].", summary=" s ", language="FR"),
             NewArticle(title="alpha", body_md="Third.")]  # fmt: skip
    runs = []
    for many in (False, True):
        with transaction.atomic():
            if many:
                article_create_many(articles=specs, publish=True, actor=agent)
            else:
                for spec in specs:
                    article_create(**vars(spec), publish=True, actor=agent, refresh_linking=False)
            runs.append(snapshot(ImportSummary()))
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert 'href="/help/alpha/"' in {row[0]: row[4] for row in runs[1]["articles"]}["beta"]
