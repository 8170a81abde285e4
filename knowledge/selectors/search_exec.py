"""Running a knowledge search's SQL (built by ``search_sql``): prepared statements, several connections.

- **Prepared statements.** Every search statement is sent with server-side parameters and prepared
  (psycopg ``prepare=True``): PostgreSQL parses and plans the few statement shapes a process uses
  once per connection instead of on every search (planning the full-text statement alone took
  ~1.1 ms). ``HELMDESK_SEARCH_PREPARED=false`` switches it off (a connection pooler in transaction
  mode older than PgBouncer 1.21 cannot keep prepared statements).
- **Parallel sides.** Outside a transaction a hybrid search runs its vector side (the HNSW top-N) on a
  search thread's own connection while the full-text side runs on the caller's connection, itself
  split into ``HELMDESK_SEARCH_THREADS`` parts by chunk id (one more search thread scores the other
  part's candidates); a last statement fuses, checks visibility and highlights. The wall time is the
  slowest part instead of the sum. Inside a transaction everything stays one statement on the
  caller's connection, because another connection cannot see uncommitted rows.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.backends.postgresql.base import ServerBindingCursor

from knowledge.selectors.search_sql import build_sql, side_sql

logger = logging.getLogger(__name__)


class _PreparingCursor(ServerBindingCursor):
    """Server-side parameters, and every statement prepared on its connection (psycopg keeps the
    last 100 per connection)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def search_cursor(wrapper=None):
    """A cursor of ``wrapper`` (default: this thread's connection) for search statements: Django's
    wrapping (error translation, query logging, execute wrappers) around a preparing cursor."""
    wrapper = wrapper or connection
    if not settings.SEARCH_PREPARED:
        return wrapper.cursor()
    wrapper.close_if_health_check_failed()
    wrapper.ensure_connection()
    raw = wrapper.connection
    if raw.prepare_threshold is None:  # Django switches preparing off; only this cursor prepares
        raw.prepare_threshold = 5
    with wrapper.wrap_database_errors:
        return wrapper._prepare_cursor(_PreparingCursor(raw))


def hnsw_ef_search(depth: int, tuning) -> int:
    """ef_search bounds the HNSW candidate list: it must cover the depth we ask for."""
    return max(tuning.ef_search_min, depth * 2)


def set_hnsw_options(cursor, depth: int, tuning) -> None:
    # The iterative scan keeps going when filters (audience, language, category) reject rows.
    # Local to the caller's transaction.
    cursor.execute(
        "SELECT set_config('hnsw.ef_search', %s, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)",
        [str(hnsw_ef_search(depth, tuning))],
    )


def dict_rows(cursor) -> list[dict]:
    columns = [col.name for col in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def run_search(prepared, *, mode: str, tuning, **options) -> list[dict]:
    """The result rows of a search (``build_sql``'s columns), best first."""
    if mode == "hybrid" and parallel_sides_allowed():
        try:
            return _run_in_parallel(prepared, tuning=tuning, **options)
        except (
            DatabaseError
        ) as exc:  # a broken side connection, a restarted server: one statement still works
            logger.warning("search: parallel sides failed (%s); searching in one statement", exc)
    sql, params = build_sql(prepared, mode=mode, tuning=tuning, **options)
    # No savepoint inside a caller's transaction: the search is two statements, nothing to roll back.
    with transaction.atomic(savepoint=False), search_cursor() as cursor:
        if mode != "fulltext":
            set_hnsw_options(cursor, params["depth"], tuning)
        cursor.execute(sql, params)
        return dict_rows(cursor)


def parallel_sides_allowed() -> bool:
    """The sides of a hybrid search run on several connections at once when those connections see
    the same data: not inside a transaction, whose uncommitted rows another connection cannot see.
    ``HELMDESK_SEARCH_THREADS=0`` switches it off."""
    return settings.SEARCH_THREADS > 0 and not connection.in_atomic_block


_pool_instance: ThreadPoolExecutor | None = None
_side_connections: list = []  # each search thread's connection wrapper, so they can be closed from outside
_side_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _pool_instance
    with _side_lock:
        if _pool_instance is None:
            _pool_instance = ThreadPoolExecutor(
                max_workers=settings.SEARCH_THREADS, thread_name_prefix="search-side"
            )
        return _pool_instance


def release_search_connections() -> None:
    """Close the search threads' database connections (they reopen on the next search). For code
    that switches or drops the database (evaluation runs, tests), while no search is running."""
    with _side_lock:
        for wrapper in _side_connections:
            wrapper.close()


def _run_in_parallel(prepared, *, tuning, **options) -> list[dict]:
    side_options = {key: options[key] for key in ("k", "audience", "language", "category_id")}
    parts = max(1, settings.SEARCH_THREADS)
    vector_sql, vector_params = side_sql(prepared, "vector", tuning=tuning, **side_options)
    futures = [_pool().submit(_on_search_thread, vector_sql, vector_params, tuning)]
    text_statements = [
        side_sql(prepared, "text", tuning=tuning, part=(part, parts), **side_options) for part in range(parts)
    ]
    futures += [_pool().submit(_on_search_thread, sql, params, None) for sql, params in text_statements[1:]]
    sql, params = text_statements[0]
    with search_cursor() as cursor:
        cursor.execute(sql, params)
        text_rows = cursor.fetchall()
    vector_rows = futures[0].result()
    for future in futures[1:]:
        text_rows += future.result()
    depth = vector_params["depth"]
    # Each part's best ``depth`` by (rank desc, id): their union holds the overall best ``depth``.
    text_rows = sorted(text_rows, key=lambda row: (-row[1], row[0]))[:depth]
    sql, params = build_sql(
        prepared, mode="hybrid", tuning=tuning, sides={"vector": vector_rows, "text": text_rows}, **options
    )
    with search_cursor() as cursor:
        cursor.execute(sql, params)
        return dict_rows(cursor)


def _on_search_thread(sql: str, params: dict, tuning) -> list[tuple]:
    """Runs on a search thread, whose connection stays open between searches (no request ends
    there to close it); a connection to another database than the configured one (an evaluation
    switched databases) is closed first, and one the server dropped is replaced once. ``tuning``
    is given for the vector side (its HNSW options), None for a full-text part."""
    wrapper = _adopt_thread_connection()
    try:
        return _side_query(wrapper, sql, params, tuning)
    except (InterfaceError, OperationalError):
        wrapper.close()
        return _side_query(wrapper, sql, params, tuning)


def _adopt_thread_connection():
    wrapper = connections[DEFAULT_DB_ALIAS]
    with _side_lock:
        if not any(known is wrapper for known in _side_connections):
            wrapper.inc_thread_sharing()  # release_search_connections closes it from another thread
            _side_connections.append(wrapper)
    if wrapper.connection is not None and wrapper.connection.info.dbname != wrapper.settings_dict["NAME"]:
        wrapper.close()
    return wrapper


def _side_query(wrapper, sql: str, params: dict, tuning) -> list[tuple]:
    with search_cursor(wrapper) as cursor:
        if tuning is not None:
            _session_hnsw_options(wrapper, cursor, hnsw_ef_search(params["depth"], tuning))
        cursor.execute(sql, params)
        return cursor.fetchall()


def _session_hnsw_options(wrapper, cursor, ef_search: int) -> None:
    """A search thread's connection serves only searches: its HNSW options are set for the session,
    and only when they change (no transaction and no extra round trip per search)."""
    raw = wrapper.connection
    if getattr(raw, "_helmdesk_ef_search", None) == ef_search:
        return
    cursor.execute(
        "SELECT set_config('hnsw.ef_search', %s, false), set_config('hnsw.iterative_scan', 'relaxed_order', false)",
        [str(ef_search)],
    )
    raw._helmdesk_ef_search = ef_search
