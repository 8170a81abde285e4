"""manage.py kb_reindex: re-embed chunks made by another model (or everything with --all)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gateway.embeddings import EmbeddingModelError, get_embedder
from knowledge.indexing.index import article_index, articles_index_bulk, orphan_article_ids, stale_article_ids


class Command(BaseCommand):
    help = (
        "Re-embed published articles whose chunks were made by a different embedding model than the "
        "configured one (or that have no chunks yet), and drop chunks of unpublished articles. "
        "--all re-embeds everything."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="re-embed every published article")
        parser.add_argument(
            "--model",
            choices=["local", "openai"],
            help="embedding backend for this run (default: the HELMDESK_EMBEDDINGS setting)",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        try:
            embedder = get_embedder(options["model"])
        except EmbeddingModelError as exc:
            raise CommandError(str(exc))
        ids = stale_article_ids(embedder.name, everything=options["all"])
        with tqdm(desc="embedding chunks", unit="chunk", disable=options["no_progress"] or not ids) as bar:
            results = articles_index_bulk(ids, embedder=embedder, progress=bar.update)
        orphans = orphan_article_ids()
        for article_id in orphans:
            article_index(article_id, embedder=embedder)
        chunks = sum(result.chunks for result in results)
        self.stdout.write(
            f"{embedder.name}: {len(results)} articles re-embedded ({chunks} chunks); "
            f"chunks of {len(orphans)} unpublished articles removed."
        )
