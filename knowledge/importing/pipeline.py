"""Import and embed at the same time: kb_import's records are written by one thread while the model
embeds the articles already written.

The importer thread runs `import_records` on its own database connection (each batch of records commits
in its own transaction, so the articles it hands over are visible to the indexer's connections) and puts
every created or updated article on a queue. Articles indexed here queue no background task; the rest
(drafts, or everything after the embedding failed) are queued in one bulk task per few hundred. The
calling thread takes whatever has arrived, embeds it and hands the chunks to the indexer's writer
thread (`articles_index_stream`). The database work of both writers waits on PostgreSQL with the GIL
released, so it hides behind the model's.

Inside a transaction (a caller's atomic block, a test) other connections could not see the articles,
so the import runs first and the indexing after it, on the caller's connection.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from gateway.embeddings import Embedder
from knowledge.importing.records import IMPORT_BATCH, ImportRecord, ImportSummary, Skipped, import_records
from knowledge.indexing.index import IndexResult, articles_index_bulk, articles_index_stream
from knowledge.indexing.tasks import schedule_articles_index
from knowledge.models import Article

_DONE = object()


def import_and_index(
    items: Iterable[ImportRecord | Skipped],
    *,
    embedder: Embedder,
    source: str,
    publish: bool = True,
    actor=None,
    progress: bool = False,
    total: int | None = None,
    description: str = "import",
    on_embedded: Callable[[int], None] | None = None,
    batch: int = IMPORT_BATCH,
) -> tuple[ImportSummary, list[IndexResult]]:
    """Import the records (see `import_records`, also for ``batch``) and index the new and changed
    articles while the import goes on. ``on_embedded`` is called with the number of chunks each batch
    embedded."""
    options = {"source": source, "publish": publish, "actor": actor, "progress": progress, "total": total,
               "description": description, "queue_index": False, "batch": batch}  # fmt: skip
    if connection.in_atomic_block:
        summary = import_records(items, **options)
        results = articles_index_bulk(summary.articles, embedder=embedder, progress=on_embedded)
        _queue_unindexed(summary, results)
        return summary, results
    arrivals: queue.Queue = queue.Queue()
    stop = threading.Event()

    def run_import() -> ImportSummary:
        try:
            return import_records(_until(stop, items), on_saved=arrivals.put, **options)
        finally:
            arrivals.put(_DONE)
            connection.close()  # this thread's own connection

    results: list[IndexResult] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-import") as importer:
        imported = importer.submit(run_import)
        try:
            results = articles_index_stream(_arrived(arrivals), embedder=embedder, progress=on_embedded)
        except BaseException:
            stop.set()  # the embedding failed (or Ctrl-C): the import stops after the current batch
            raise
        finally:
            summary = imported.result()  # the import ends (and reports its own error) either way
            _queue_unindexed(summary, results)
    return summary, results


def _queue_unindexed(summary: ImportSummary, results: list[IndexResult]) -> None:
    """Queue the background indexing of what was written but not indexed here (drafts, or all of it
    when the embedding stopped): one task per few hundred articles (``schedule_articles_index``)
    where ``import_records`` alone would queue them all."""
    indexed = {result.article_id for result in results}
    unindexed = [pk for pk in summary.articles if pk not in indexed]
    if unindexed:
        schedule_articles_index(unindexed)


def _until(
    stop: threading.Event, items: Iterable[ImportRecord | Skipped]
) -> Iterator[ImportRecord | Skipped]:
    for item in items:
        if stop.is_set():
            return
        yield item


def _arrived(arrivals: queue.Queue) -> Iterator[list[Article]]:
    """Groups of the articles written since the last group: waits for one, then takes all there are,
    so the model is never idle while articles are waiting and never waits for a full batch."""
    while True:
        group = [arrivals.get()]
        while True:
            try:
                group.append(arrivals.get_nowait())
            except queue.Empty:
                break
        done = group[-1] is _DONE
        articles = [article for article in group if article is not _DONE]
        if articles:
            yield articles
        if done:
            return
