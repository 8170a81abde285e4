"""Term statistics for BM25: document frequencies and average chunk length, kept in step with the index.

The statistics live in two materialized views (migration ``knowledge.0003_term_statistics``):
``knowledge_term_stat(config, lexeme, df)`` and ``knowledge_corpus_stat(config, chunks,
avg_length)``, computed from the chunks' tsvectors. Why views and not counters updated by the
indexer: counters touched by every concurrent index task would be hot rows (lock waits, deadlocks
between tasks that lock lexemes in different orders); a refresh is one statement, ``CONCURRENTLY``
lets searches keep reading the old statistics meanwhile, and IDF changes slowly, so a few seconds of
staleness after an edit cost nothing. A knowledge base of 100k chunks refreshes in seconds
(background task); a help center of a few thousand chunks in milliseconds.
"""

from __future__ import annotations

from django.db import connection

VIEWS = ("knowledge_term_stat", "knowledge_corpus_stat")


def refresh_term_stats(*, concurrently: bool = True) -> None:
    """Recompute the BM25 statistics from the chunks. Safe inside or outside a transaction."""
    mode = "CONCURRENTLY " if concurrently else ""
    with connection.cursor() as cursor:
        for view in VIEWS:
            cursor.execute(f"REFRESH MATERIALIZED VIEW {mode}{view}")  # noqa: S608 (fixed names)


def term_stats(config: str, lexemes: list[str]) -> dict[str, int]:
    """Document frequency of ``lexemes`` under ``config`` (for tests and diagnostics)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme, df FROM knowledge_term_stat WHERE config = %s AND lexeme = ANY(%s)",
            [config, lexemes],
        )
        return dict(cursor.fetchall())
