"""Every write to an article. Each content change is a new revision; every other change is an
ArticleEvent (who, field, before, after). After commit the article is handed to the indexer, which
decides from its status and audience what to index (and removes chunks of unpublished articles)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from helpdesk.services.audit import actor_user
from knowledge.indexing.tasks import schedule_article_index
from knowledge.markdown import ResolvedLink, render_markdown
from knowledge.models import (
    Article,
    ArticleEvent,
    ArticleRevision,
    ArticleSource,
    ArticleStatus,
    Category,
)
from knowledge.selectors.articles import public_articles

audit_log = logging.getLogger("knowledge.audit")
CONTENT_FIELDS = ("title", "summary", "body_md")
# Paths of the help center that an article slug must not shadow (see knowledge/urls_public.py).
RESERVED_SLUGS = frozenset({"search", "sitemap-xml", "c", "assets", "feedback", "new", "preview", "upload"})
TRACKED_FIELDS = ("slug", "category", "language", "internal_only", "translation_of", "position")
_UNSET = object()
_MENTION = re.compile(r"(?:\[\[|/help/)([A-Za-z0-9_-]+)")


class ArticleError(ApplicationError):
    pass


@transaction.atomic
def article_create(
    *,
    title: str,
    body_md: str = "",
    summary: str = "",
    category: Category | None = None,
    language: str = "en",
    slug: str = "",
    internal_only: bool = False,
    translation_of: Article | None = None,
    position: int = 0,
    publish: bool = False,
    actor=None,
    note: str = "",
    source: str = ArticleSource.MANUAL,
    external_id: str = "",
    source_url: str = "",
    content_hash: str = "",
    refresh_linking: bool = True,
) -> Article:
    """``refresh_linking=False`` leaves the articles that link to this one to the caller, which then
    calls ``articles_refresh_linking`` once for many new articles (an import)."""
    title = clean_title(title)
    user = actor_user(actor)
    article = Article(
        title=title,
        slug=_unique_slug(slug or title),
        summary=(summary or "").strip(),
        body_md=body_md or "",
        category=category,
        language=(language or "en").strip().lower(),
        internal_only=internal_only,
        translation_of=_translation_root(translation_of),
        position=position,
        created_by=user,
        updated_by=user,
        source=source,
        external_id=external_id,
        source_url=source_url,
        content_hash=content_hash,
    )
    article_check_translation(article)
    if publish:
        article.status = ArticleStatus.PUBLISHED
        article.published_at = timezone.now()
    article.body_html = _render(article.body_md)
    article.save()
    _revision_add(article=article, user=user, note=note or _("Created"), number=1)  # a new article's first
    _event(article, actor, "created", "", article.status)
    if article.is_public and refresh_linking:
        _refresh_linking_articles(article)
    after_change(article)
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    actor=None,
    note: str = "",
    title=_UNSET,
    body_md=_UNSET,
    summary=_UNSET,
    category=_UNSET,
    language=_UNSET,
    slug=_UNSET,
    internal_only=_UNSET,
    translation_of=_UNSET,
    position=_UNSET,
    content_hash=_UNSET,
    source_url=_UNSET,
) -> Article:
    """Change the given fields. A change of title, summary or body adds a revision; other fields
    are recorded as events. Saving without changes writes nothing."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    requested = {
        "title": clean_title(title) if title is not _UNSET else _UNSET,
        "body_md": body_md,
        "summary": summary.strip() if isinstance(summary, str) else summary,
        "category": category,
        "language": language.strip().lower() if isinstance(language, str) else language,
        "slug": _unique_slug(slug, exclude_pk=article.pk) if slug not in (_UNSET, article.slug) else _UNSET,
        "internal_only": internal_only,
        "translation_of": _translation_root(translation_of) if translation_of is not _UNSET else _UNSET,
        "position": position,
    }
    changed = {name: value for name, value in requested.items() if value is not _UNSET}
    changed = {name: value for name, value in changed.items() if getattr(article, name) != value}
    if content_hash is not _UNSET:
        article.content_hash = content_hash
    if source_url is not _UNSET:
        article.source_url = source_url
    if not changed and content_hash is _UNSET and source_url is _UNSET:
        return article

    before = {name: getattr(article, name) for name in changed}
    for name, value in changed.items():
        setattr(article, name, value)
    article_check_translation(article)
    article.updated_by = actor_user(actor)
    if "body_md" in changed:
        article.body_html = _render(article.body_md)
    article.save()
    if any(name in changed for name in CONTENT_FIELDS):
        _revision_add(article=article, user=actor_user(actor), note=note)
    for name in changed:
        if name not in CONTENT_FIELDS:
            _event(article, actor, name, before[name], changed[name])
    if {"slug", "internal_only"} & changed.keys():
        _refresh_linking_articles(article, extra_slugs=[before.get("slug")])
    after_change(article)
    return article


@transaction.atomic
def article_publish(*, article: Article, actor=None) -> Article:
    return _status_set(article=article, actor=actor, status=ArticleStatus.PUBLISHED)


@transaction.atomic
def article_unpublish(*, article: Article, actor=None) -> Article:
    """Back to draft: gone from the help center, search and customer-facing retrieval."""
    return _status_set(article=article, actor=actor, status=ArticleStatus.DRAFT)


@transaction.atomic
def article_archive(*, article: Article, actor=None) -> Article:
    return _status_set(article=article, actor=actor, status=ArticleStatus.ARCHIVED)


@transaction.atomic
def article_delete(*, article: Article, actor=None) -> None:
    """Delete an article for good, with its revisions, events and chunks (database cascade).
    Its ArticleEvents go with it, so the deletion itself is written to the "knowledge.audit" log;
    articles that linked to it now show a plain label instead of a dead link. Translations of it
    become originals (translation_of is SET_NULL). Prefer article_archive, which keeps the history."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    user = actor_user(actor)
    audit_log.info(
        "article deleted: id=%s slug=%s title=%r status=%s by=%s",
        article.pk,
        article.slug,
        article.title,
        article.status,
        user.get_username() if user is not None else "system",
    )
    article.delete()
    _refresh_linking_articles(article)  # the instance keeps its slug; its pk is now None


@transaction.atomic
def article_restore_revision(*, article: Article, revision: ArticleRevision, actor=None) -> Article:
    """Copy an old revision's title, summary and body back; this is itself a new revision."""
    if revision.article_id != article.pk:
        raise ArticleError(_("That revision belongs to another article."))
    return article_update(
        article=article,
        actor=actor,
        title=revision.title,
        summary=revision.summary,
        body_md=revision.body_md,
        note=_("Restored revision %(number)d") % {"number": revision.number},
    )


def article_rerender(*, article: Article) -> None:
    """Re-render the cached HTML (after a linked article appeared, moved or disappeared)."""
    html = _render(article.body_md)
    if html != article.body_html:
        Article.objects.filter(pk=article.pk).update(body_html=html)
        article.body_html = html


def render_preview(*, body_md: str) -> str:
    """The editor's live preview: exactly what the help center will show."""
    return _render(body_md)


def render_preview_checked(*, body_md: str) -> tuple[str, list[str]]:
    """The preview plus the internal links ([[slug]], /help/slug/) that lead to no published article:
    the editor warns about them, because customers would see plain text there."""
    rendered = render_markdown(body_md, resolve=public_link)
    return rendered.html, sorted(rendered.missing_slugs)


def _status_set(*, article: Article, actor, status: str) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == status:
        return article
    before = article.status
    article.status = status
    article.updated_by = actor_user(actor)
    if status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    article.save(update_fields=["status", "updated_by", "published_at", "updated_at"])
    _event(article, actor, "status", before, status)
    _refresh_linking_articles(article)
    after_change(article)
    return article


def _revision_add(*, article: Article, user, note: str, number: int | None = None) -> ArticleRevision:
    if number is None:
        number = (article.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    revision = revision_row(article=article, user=user, note=note, number=number)
    revision.save()
    return revision


def revision_row(*, article: Article, user, note: str, number: int) -> ArticleRevision:
    """The (unsaved) revision that records the article's content as it is now."""
    return ArticleRevision(article=article, number=number, title=article.title, summary=article.summary,
                           body_md=article.body_md, author=user, note=(note or "")[:300])  # fmt: skip


def _event(article: Article, actor, field: str, before, after) -> None:
    before_s = "" if before is None else str(before)
    after_s = "" if after is None else str(after)
    if before_s == after_s and field != "created":
        return
    event_row(article, actor_user(actor), field, before_s, after_s).save()


def event_row(article: Article, user, field: str, before: str, after: str) -> ArticleEvent:
    """The (unsaved) event: who (``user``, or "system"), which field, before and after."""
    label = (user.get_username() if user is not None else "system")[:100]
    return ArticleEvent(
        article=article, actor=user, actor_label=label, field=field, before=before, after=after
    )


def public_link(slug: str) -> ResolvedLink | None:
    """Where an article's link to ``slug`` points: the public article's URL and title, else nothing
    (a customer page never names a draft or internal article)."""
    target = public_articles().select_related(None).filter(slug=slug).only("slug", "title").first()
    if target is None:
        return None
    return ResolvedLink(url=target.get_absolute_url(), title=target.title)


def _render(body_md: str) -> str:
    # Links resolve only to public articles, so a customer page never names a draft or internal one.
    return render_markdown(body_md, resolve=public_link).html


def _refresh_linking_articles(article: Article, extra_slugs=()) -> None:
    """Articles that link to this one show a live link or a plain label depending on its visibility."""
    slugs = {article.slug, *(s for s in extra_slugs if s)}
    for slug in slugs:
        mentions = Q(body_md__contains=f"[[{slug}") | Q(body_md__contains=f"/help/{slug}")
        for linking in Article.objects.filter(mentions).exclude(pk=article.pk):
            article_rerender(article=linking)


@transaction.atomic
def articles_refresh_linking(*, articles: Iterable[Article]) -> int:
    """``_refresh_linking_articles`` for many new public articles in one pass, with the same end
    result as calling it once per article: every article that mentions one of their slugs (other
    than its own) is re-rendered. Returns how many articles were re-rendered."""
    targets = {article.slug: article.pk for article in articles}
    if not targets:
        return 0
    candidates = Article.objects.filter(Q(body_md__contains="[[") | Q(body_md__contains="/help/"))
    refreshed = 0
    for linking in candidates.order_by("pk").only("pk", "body_md", "body_html"):
        mentioned = _mentioned_prefixes(linking.body_md)
        if any(targets.get(slug, linking.pk) != linking.pk for slug in mentioned):
            article_rerender(article=linking)
            refreshed += 1
    return refreshed


def _mentioned_prefixes(body_md: str) -> set[str]:
    """Every s such that the body contains "[[s" or "/help/s", s a slug-like string (the test
    `_refresh_linking_articles` makes in SQL, for slugs, which are [a-z0-9_-])."""
    prefixes = set()
    for token in _MENTION.findall(body_md):
        prefixes.update(token[:end] for end in range(1, len(token) + 1))
    return prefixes


def after_change(article: Article) -> None:
    """Re-index the article once the current transaction commits."""
    article_id = article.pk
    transaction.on_commit(lambda: schedule_index(article_id))


def schedule_index(article_id: int) -> None:
    """Hand the article to the retrieval indexer (it indexes published articles, drops the others)."""
    schedule_article_index(article_id)


def clean_title(title: str) -> str:
    """The title as stored: whitespace collapsed, at most 300 characters; an empty one is refused."""
    title = " ".join((title or "").split())
    if not title:
        raise ArticleError(_("An article needs a title."))
    return title[:300]


def _unique_slug(value: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(value)[:180].strip("-") or "article"
    candidate, counter = base, 2
    others = Article.objects.exclude(pk=exclude_pk) if exclude_pk else Article.objects.all()
    while candidate in RESERVED_SLUGS or others.filter(slug=candidate).exists():
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate


def _translation_root(original: Article | None) -> Article | None:
    # Translations always point at the original, never at another translation.
    if original is None:
        return None
    return original.translation_of or original


def article_check_translation(article: Article) -> None:
    """Raise ArticleError when `article.translation_of` breaks the translation rules."""
    original = article.translation_of
    if original is None:
        return
    if original.pk == article.pk:
        raise ArticleError(_("An article cannot be a translation of itself."))
    if original.language == article.language:
        raise ArticleError(_("A translation needs a different language than the original."))
    clash = Article.objects.filter(translation_of=original, language=article.language).exclude(pk=article.pk)
    if clash.exists():
        raise ArticleError(
            _("There is already a %(language)s translation of this article.") % {"language": article.language}
        )


__all__ = [
    "ArticleError",
    "article_archive",
    "article_create",
    "article_delete",
    "article_publish",
    "article_rerender",
    "articles_refresh_linking",
    "article_restore_revision",
    "article_unpublish",
    "article_update",
    "render_preview",
]
