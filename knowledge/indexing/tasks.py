"""django-q2 tasks that re-index articles, scheduled when the articles' transaction commits."""

from __future__ import annotations

from django.db import transaction

from knowledge.indexing.index import article_index, articles_index_each

INDEX_TASK = "knowledge.indexing.tasks.article_index_task"
BULK_INDEX_TASK = "knowledge.indexing.tasks.articles_index_task"
BULK_TASK_ARTICLES = 200  # articles per queued bulk task: well inside the task timeout even when all embed


def article_index_task(article_id: int) -> dict:
    """Idempotent: indexing twice leaves the same chunks (the second run embeds nothing new)."""
    result = article_index(article_id)
    return {"article_id": result.article_id, "chunks": result.chunks, "embedded": result.embedded}


def articles_index_task(article_ids: list[int]) -> dict:
    """``article_index_task`` for many articles (an import's), the term statistics refreshed once."""
    results = articles_index_each(article_ids)
    return {"articles": len(results), "chunks": sum(r.chunks for r in results),
            "embedded": sum(r.embedded for r in results)}  # fmt: skip


def schedule_article_index(article_id: int) -> None:
    """Queue a re-index of the article once the current transaction commits (now, if none is open)."""
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(INDEX_TASK, article_id, group="kb-index"))


def schedule_articles_index(article_ids: list[int]) -> None:
    """``schedule_article_index`` for many articles: one task per ``BULK_TASK_ARTICLES`` instead of one each."""
    from django_q.tasks import async_task

    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), BULK_TASK_ARTICLES):
        part = ids[start : start + BULK_TASK_ARTICLES]
        transaction.on_commit(lambda part=part: async_task(BULK_INDEX_TASK, part, group="kb-index"))
