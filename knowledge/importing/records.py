"""What every importer produces and how it lands in the knowledge base.

Readers (files.py, jsonl.py, crawler.py) yield `ImportRecord`s for good items and `Skipped` for bad
ones; `import_records` writes each record in its own transaction through the article services, so one
bad item never aborts the batch, and keeps a summary. A record is matched to an existing article by
(source, external_id); a content hash decides between "updated" and "unchanged". Articles that link
to the new ones are re-rendered once at the end of the import, not once per new article.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from tqdm import tqdm

from core.errors import ApplicationError
from knowledge.models import Article
from knowledge.services.articles import article_create, article_update, articles_refresh_linking
from knowledge.services.categories import category_get_or_create

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportRecord:
    external_id: str
    title: str
    body_md: str
    language: str = "en"
    summary: str = ""
    category: str = ""
    source_url: str = ""

    def content_hash(self) -> str:
        payload = [self.title, self.body_md, self.language, self.summary, self.category]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Skipped:
    item: str  # file path, line number, URL
    reason: str


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)  # ids created or updated, in order

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.skipped)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "skipped_reasons": dict(Counter(_reason_kind(s.reason) for s in self.skipped)),
        }

    def lines(self) -> list[str]:
        lines = [
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {len(self.skipped)}"
        ]
        lines += [f"  skipped {skip.item}: {skip.reason}" for skip in self.skipped]
        return lines


def import_records(
    items: Iterable[ImportRecord | Skipped],
    *,
    source: str,
    publish: bool = True,
    actor=None,
    progress: bool = False,
    total: int | None = None,
    description: str = "import",
    on_saved: Callable[[Article], None] | None = None,
) -> ImportSummary:
    """``on_saved`` is called with each created or updated article once its own transaction ended
    (kb_import embeds them while the import goes on)."""
    summary = ImportSummary()
    new_public: list[Article] = []
    bar = tqdm(items, total=total, desc=description, unit="doc", disable=not progress, leave=False)
    try:
        for item in bar:
            if isinstance(item, Skipped):
                summary.skipped.append(item)
                continue
            try:
                outcome, article = _import_one(item, source=source, publish=publish, actor=actor)
            except ApplicationError as exc:
                summary.skipped.append(Skipped(item.external_id, exc.message))
                continue
            except Exception as exc:  # one broken record must not abort the batch; it is reported
                logger.exception("import of %s failed", item.external_id)
                summary.skipped.append(Skipped(item.external_id, f"error: {exc.__class__.__name__}: {exc}"))
                continue
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            if outcome == "created" and article.is_public:
                new_public.append(Article(pk=article.pk, slug=article.slug))  # all the refresh needs
            if outcome != "unchanged":
                summary.articles.append(article.pk)
                if on_saved is not None:
                    on_saved(article)
    finally:
        bar.close()
        articles_refresh_linking(articles=new_public)
    return summary


@transaction.atomic
def _import_one(record: ImportRecord, *, source: str, publish: bool, actor) -> tuple[str, Article]:
    if not record.title.strip():
        raise ApplicationError("no title")
    if not record.body_md.strip():
        raise ApplicationError("no text")
    content_hash = record.content_hash()
    external_id = stable_external_id(record.external_id)
    existing = Article.objects.filter(source=source, external_id=external_id).first()
    category = category_get_or_create(name=record.category) if record.category.strip() else None
    if existing is None:
        article = article_create(
            title=record.title,
            body_md=record.body_md,
            summary=record.summary,
            category=category,
            language=(record.language or "en")[:10],
            publish=publish,
            actor=actor,
            note="Imported",
            source=source,
            external_id=external_id,
            source_url=record.source_url[:1000],
            content_hash=content_hash,
            refresh_linking=False,  # once for the whole import, in import_records
        )
        return "created", article
    if existing.content_hash == content_hash:
        return "unchanged", existing
    changes = {
        "title": record.title,
        "body_md": record.body_md,
        "summary": record.summary,
        "language": (record.language or "en")[:10],
        "content_hash": content_hash,
        "source_url": record.source_url[:1000],
    }
    if category is not None:
        changes["category"] = category
    article = article_update(article=existing, actor=actor, note="Re-imported", **changes)
    return "updated", article


def stable_external_id(value: str) -> str:
    """Ids longer than the column keep a readable prefix and a hash of the whole."""
    if len(value) <= 500:
        return value
    return value[:430] + "#" + hashlib.sha256(value.encode()).hexdigest()


def _reason_kind(reason: str) -> str:
    return reason.split(":")[0].split("(")[0].strip()[:60]
