"""manage.py kb_import: bring existing documentation into the knowledge base.

    manage.py kb_import --folder docs/help/
    manage.py kb_import --jsonl articles.jsonl
    manage.py kb_import --url https://help.example.com/ --max-pages 300

Re-running updates changed articles and leaves unchanged ones alone. The logic is in knowledge/importing/.
New articles are written a few dozen per transaction and embedded while the import goes on
(knowledge/importing/pipeline.py), in batches, with a progress bar.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gateway.embeddings import EmbeddingModelError, get_embedder
from knowledge.importing.crawler import Crawler
from knowledge.importing.fetch import FetchError, SafeFetcher
from knowledge.importing.files import folder_files, read_folder
from knowledge.importing.jsonl import count_lines, read_jsonl
from knowledge.importing.pipeline import import_and_index
from knowledge.importing.records import ImportRecord, Skipped, import_records
from knowledge.models import ArticleSource


class Command(BaseCommand):
    help = "Import articles from a folder of markdown/HTML files, a JSONL file, or a help-center website."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--folder", type=Path, help="folder of .md/.markdown/.html/.htm/.txt files")
        source.add_argument(
            "--jsonl", type=Path, help='JSONL file: {"doc_id","title","text","url"?,"language"?}'
        )
        source.add_argument("--url", help="start URL of a help-center website to crawl (same host only)")
        parser.add_argument("--max-pages", type=int, default=200, help="pages to fetch at most (--url)")
        parser.add_argument(
            "--max-bytes", type=int, default=2_000_000, help="largest file, line or page accepted, in bytes"
        )
        parser.add_argument(
            "--allow-private",
            action="store_true",
            help="let the start URL's host resolve to a private/loopback address (an intranet wiki); "
            "redirects to other private addresses are still refused",
        )
        parser.add_argument("--draft", action="store_true", help="import as drafts instead of publishing")
        parser.add_argument("--language", default="en", help="language of documents that do not say")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--json", action="store_true", help="print the summary as one JSON line at the end"
        )

    def handle(self, *args, **options):
        if options["max_bytes"] <= 0 or options["max_pages"] <= 0:
            raise CommandError("--max-bytes and --max-pages must be positive.")
        common = {"publish": not options["draft"], "progress": not options["no_progress"]}
        if options["folder"]:
            folder = options["folder"]
            if not folder.is_dir():
                raise CommandError(f"{folder} is not a folder.")
            items = read_folder(folder, max_bytes=options["max_bytes"], language=options["language"])
            summary, chunks = self._import(
                items,
                source=ArticleSource.FILES,
                total=len(folder_files(folder)),
                description="files",
                **common,
            )
        elif options["jsonl"]:
            path = options["jsonl"]
            if not path.is_file():
                raise CommandError(f"{path} is not a file.")
            items = read_jsonl(path, max_bytes=options["max_bytes"], language=options["language"])
            summary, chunks = self._import(
                items, source=ArticleSource.JSONL, total=count_lines(path), description="jsonl", **common
            )
        else:
            url = options["url"]
            host = (urlsplit(url).netloc.rpartition("@")[2] or "").lower()  # host[:port], that port only
            fetcher = SafeFetcher(
                allow_private_hosts=frozenset({host}) if options["allow_private"] else frozenset(),
                max_bytes=options["max_bytes"],
            )
            try:
                crawler = Crawler(
                    url, fetcher=fetcher, max_pages=options["max_pages"], language=options["language"]
                )
            except FetchError as exc:
                raise CommandError(str(exc)) from exc
            summary, chunks = self._import(
                crawler.crawl(),
                source=ArticleSource.WEB,
                total=options["max_pages"],
                description="pages",
                **common,
            )
        for line in summary.lines():
            self.stdout.write(line)
        if chunks:
            self.stdout.write(f"indexed {chunks} chunks")
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict()))

    def _import(self, items: Iterable[ImportRecord | Skipped], **options):
        """Import and embed the new and changed articles as they are written, in batches with a
        progress bar: many times faster than one background task per article. Articles indexed here
        queue no task; drafts, and everything when the embedding stops, are queued in a few bulk
        tasks (and without a model all of them). Returns the summary and the number of chunks indexed."""
        try:
            embedder = get_embedder()
        except EmbeddingModelError as exc:
            self.stderr.write(f"not indexed now ({exc}); the background tasks will index them")
            return import_records(items, **options), 0
        with tqdm(desc="embedding chunks", unit="chunk", disable=not options["progress"]) as bar:
            summary, results = import_and_index(items, embedder=embedder, on_embedded=bar.update, **options)
        return summary, sum(result.chunks for result in results)
