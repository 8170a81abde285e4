"""What every importer produces and how it lands in the knowledge base.

Readers (files.py, jsonl.py, crawler.py) yield `ImportRecord`s for good items and `Skipped` for bad
ones; `import_records` writes them through the article services, new articles a few dozen per
transaction (`article_create_many`), changed ones one per transaction; if a group's transaction
fails, its records are written one by one, so one bad item never aborts the batch. It keeps a summary.
A record is matched to an existing article by (source, external_id); a content hash decides between
"updated" and "unchanged". Articles that link to the new ones are re-rendered once at the end of the
import, not once per new article.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields

from django.db import transaction
from tqdm import tqdm

from core.errors import ApplicationError
from knowledge.indexing.tasks import schedule_articles_index
from knowledge.models import Article, Category
from knowledge.services.articles import article_create, article_update, articles_refresh_linking
from knowledge.services.articles_bulk import NewArticle, article_create_many
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


IMPORT_BATCH = 32  # new articles written per transaction (kb_import embeds each batch as it commits)


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
    queue_index: bool = True,
    batch: int = IMPORT_BATCH,
) -> ImportSummary:
    """``on_saved`` is called with each created or updated article once its transaction ended
    (kb_import embeds them while the import goes on). New articles are written ``batch`` at a time
    (``article_create_many``: the rows one ``article_create`` each would write); changed ones one by
    one (``article_update``). ``batch=1`` writes every record on its own (``article_create``), the
    reference the bulk path is tested against. ``queue_index`` queues the indexing of the articles
    created in bulk as one task per few hundred at the end (those written on their own queue their
    own, as ``article_create`` and ``article_update`` do); kb_import, which indexes them itself,
    passes False."""
    summary = ImportSummary()
    new_public: list[Article] = []
    created: list[int] = []
    bar = tqdm(items, total=total, desc=description, unit="doc", disable=not progress, leave=False)

    def saved(outcome: str, article: Article, *, queued: bool = True) -> None:
        """``queued=False``: a new article written in bulk, whose indexing is queued at the end."""
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        if not queued:
            created.append(article.pk)
        if outcome == "created" and article.is_public:
            new_public.append(Article(pk=article.pk, slug=article.slug))  # all the refresh needs
        if outcome != "unchanged":
            summary.articles.append(article.pk)
            if on_saved is not None:
                on_saved(article)

    try:
        for group in _batches(bar, max(batch, 1)):
            write = _import_batch if batch > 1 else _import_each
            write(group, source=source, publish=publish, actor=actor, saved=saved,
                  skipped=summary.skipped.append)  # fmt: skip
    finally:
        bar.close()
        articles_refresh_linking(articles=new_public)
        if queue_index and created:
            schedule_articles_index(created)
    return summary


def _batches(items: Iterable[ImportRecord | Skipped], size: int) -> Iterator[list[ImportRecord | Skipped]]:
    """Items in groups of up to ``size`` records, without a repeated id in a group (a record must see
    the article an earlier one of the same id created). If the source fails, the items read before
    the failure are still handed out, then the error is raised."""
    group: list[ImportRecord | Skipped] = []
    ids: set[str] = set()
    try:
        for item in items:
            if isinstance(item, ImportRecord) and (len(ids) >= size or item.external_id in ids):
                yield group
                group, ids = [], set()
            group.append(item)
            if isinstance(item, ImportRecord):
                ids.add(item.external_id)
    except Exception:
        if group:
            yield group
        raise
    if group:
        yield group


def _import_batch(
    items: list[ImportRecord | Skipped], *, source: str, publish: bool, actor, saved, skipped
) -> None:
    """Write a group of items (distinct ids) in order: runs of new articles in one transaction each;
    anything else (a changed record, a bad one, a Skipped item) ends the run and is written or
    skipped on its own, so every outcome is reported in the order of the items."""
    records = [item for item in items if isinstance(item, ImportRecord)]
    existing = {
        article.external_id: article
        for article in Article.objects.filter(
            source=source, external_id__in={stable_external_id(record.external_id) for record in records}
        )
    }
    categories: dict[str, Category] = {}
    new: list[tuple[ImportRecord, NewArticle]] = []
    for item in items:
        if isinstance(item, ImportRecord) and item.title.strip() and item.body_md.strip():
            external_id = stable_external_id(item.external_id)
            article = existing.get(external_id)
            if article is None:
                category = _category(item, categories)
                new.append(
                    (item, _new_article(item, source=source, external_id=external_id, category=category))
                )
                continue
            if article.content_hash == item.content_hash():
                _category(item, categories)  # as the per-record path does, even for an unchanged article
                saved("unchanged", article)
                continue
        _create(new, publish=publish, actor=actor, saved=saved, skipped=skipped, source=source)
        new = []
        _import_each([item], source=source, publish=publish, actor=actor, saved=saved, skipped=skipped)
    _create(new, publish=publish, actor=actor, saved=saved, skipped=skipped, source=source)


def _import_each(
    items: list[ImportRecord | Skipped], *, source: str, publish: bool, actor, saved, skipped
) -> None:
    """The per-record path: each record in its own transaction (``article_create``/``article_update``)."""
    for item in items:
        if isinstance(item, Skipped):
            skipped(item)
        else:
            _one(item, source=source, publish=publish, actor=actor, saved=saved, skipped=skipped)


def _category(record: ImportRecord, categories: dict[str, Category]) -> Category | None:
    name = record.category
    if not name.strip():
        return None
    if name not in categories:
        categories[name] = category_get_or_create(name=name)
    return categories[name]


def _new_article(record: ImportRecord, *, source: str, external_id: str, category) -> NewArticle:
    return NewArticle(
        title=record.title,
        body_md=record.body_md,
        summary=record.summary,
        category=category,
        language=(record.language or "en")[:10],
        source=source,
        external_id=external_id,
        source_url=record.source_url[:1000],
        content_hash=record.content_hash(),
    )


def _create(new: list[tuple[ImportRecord, NewArticle]], *, source, publish, actor, saved, skipped) -> None:
    """Create the new articles in one transaction; if that fails, one by one, so that one bad record
    is skipped and reported and the others are still imported."""
    if not new:
        return
    try:
        articles = article_create_many(
            articles=[spec for _, spec in new],
            publish=publish,
            actor=actor,
            note="Imported",
            queue_index=False,
        )
    except Exception:
        logger.info("bulk import of %d records failed; importing them one by one", len(new), exc_info=True)
        for record, _ in new:
            _one(record, source=source, publish=publish, actor=actor, saved=saved, skipped=skipped)
        return
    for article in articles:
        saved("created", article, queued=False)


def _one(record: ImportRecord, *, source: str, publish: bool, actor, saved, skipped) -> None:
    try:
        outcome, article = _import_one(record, source=source, publish=publish, actor=actor)
    except ApplicationError as exc:
        skipped(Skipped(record.external_id, exc.message))
        return
    except Exception as exc:  # one broken record must not abort the batch; it is reported
        logger.exception("import of %s failed", record.external_id)
        skipped(Skipped(record.external_id, f"error: {exc.__class__.__name__}: {exc}"))
        return
    saved(outcome, article)


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
        spec = _new_article(record, source=source, external_id=external_id, category=category)
        article = article_create(
            **{each.name: getattr(spec, each.name) for each in fields(spec)},
            publish=publish,
            actor=actor,
            note="Imported",
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
