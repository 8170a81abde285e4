"""Many new articles at once, as an import writes them: the rows ``article_create`` writes for each,
in one transaction and a fixed number of statements (knowledge.importing.records)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from helpdesk.services.audit import actor_user
from knowledge.markdown import ResolvedLink, render_markdown
from knowledge.models import Article, ArticleEvent, ArticleRevision, ArticleSource, ArticleStatus, Category
from knowledge.services.articles import (
    RESERVED_SLUGS,
    after_change,
    clean_title,
    event_row,
    public_link,
    revision_row,
)


@dataclass(frozen=True)
class NewArticle:
    """One article for ``article_create_many``: the ``article_create`` arguments an import sets."""

    title: str
    body_md: str = ""
    summary: str = ""
    category: Category | None = None
    language: str = "en"
    source: str = ArticleSource.MANUAL
    external_id: str = ""
    source_url: str = ""
    content_hash: str = ""


@transaction.atomic
def article_create_many(
    *,
    articles: Sequence[NewArticle],
    publish: bool = False,
    actor=None,
    note: str = "",
    queue_index: bool = True,
) -> list[Article]:
    """``article_create(..., refresh_linking=False)`` for each of ``articles`` in order, in one
    transaction and a fixed number of statements (slugs looked up at once, articles, first revisions
    and "created" events inserted in bulk): the same rows, slugs and rendered HTML (an article's links
    resolve to the public articles created before it, in this call or earlier). The caller refreshes
    the articles that link to the new ones (``articles_refresh_linking``). ``queue_index=False``
    leaves the indexing to the caller (an import indexes, or queues, all its articles at once)."""
    user = actor_user(actor)
    titles = [clean_title(spec.title) for spec in articles]
    slugs = _unique_slugs(titles)
    created: dict[str, Article] = {}  # slug -> public article of this call, made so far

    def resolve(slug: str) -> ResolvedLink | None:
        target = created.get(slug)
        if target is None:
            return public_link(slug)
        return ResolvedLink(url=target.get_absolute_url(), title=target.title)  # built when linked to only

    rows = []
    for spec, title, slug in zip(articles, titles, slugs, strict=True):
        article = Article(
            title=title,
            slug=slug,
            summary=(spec.summary or "").strip(),
            body_md=spec.body_md or "",
            category=spec.category,
            language=(spec.language or "en").strip().lower(),
            created_by=user,
            updated_by=user,
            source=spec.source,
            external_id=spec.external_id,
            source_url=spec.source_url,
            content_hash=spec.content_hash,
        )
        if publish:
            article.status = ArticleStatus.PUBLISHED
            article.published_at = timezone.now()
        article.body_html = render_markdown(article.body_md, resolve=resolve).html
        if article.is_public:
            created[slug] = article
        rows.append(article)
    Article.objects.bulk_create(rows)
    created_note = note or _("Created")
    ArticleRevision.objects.bulk_create(
        revision_row(article=article, user=user, note=created_note, number=1) for article in rows
    )
    ArticleEvent.objects.bulk_create(
        event_row(article, user, "created", "", str(article.status)) for article in rows
    )
    if queue_index:
        for article in rows:
            after_change(article)
    return rows


def _unique_slugs(values: Sequence[str]) -> list[str]:
    """``_unique_slug`` for each value in order, as if each article were saved before the next one's
    slug is chosen: one query for the plain slugs, one per collision after that."""
    bases = [slugify(value)[:180].strip("-") or "article" for value in values]
    existing = set(Article.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    chosen: list[str] = []
    taken: set[str] = set()

    def in_use(candidate: str, base: str) -> bool:
        if candidate in RESERVED_SLUGS or candidate in taken:
            return True
        if candidate == base:
            return candidate in existing
        return Article.objects.filter(slug=candidate).exists()

    for base in bases:
        candidate, counter = base, 2
        while in_use(candidate, base):
            candidate, counter = f"{base}-{counter}", counter + 1
        chosen.append(candidate)
        taken.add(candidate)
    return chosen


__all__ = ["NewArticle", "article_create_many"]
