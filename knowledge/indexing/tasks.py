"""django-q2 task that re-indexes one article, scheduled when the article's transaction commits."""

from __future__ import annotations

from django.db import transaction

from knowledge.indexing.index import article_index

INDEX_TASK = "knowledge.indexing.tasks.article_index_task"


def article_index_task(article_id: int) -> dict:
    """Idempotent: indexing twice leaves the same chunks (the second run embeds nothing new)."""
    result = article_index(article_id)
    return {"article_id": result.article_id, "chunks": result.chunks, "embedded": result.embedded}


def schedule_article_index(article_id: int) -> None:
    """Queue a re-index of the article once the current transaction commits (now, if none is open)."""
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(INDEX_TASK, article_id, group="kb-index"))
