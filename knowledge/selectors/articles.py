"""Reads of articles. The visibility rules live here and nowhere else:

- customers (help center, portal, sitemap, public search, customer-facing AI) see `public_articles()`:
  published and not internal-only;
- agents see `agent_articles(user=...)`: every article, drafts and internal ones included.

Anything customer-facing must start from `public_articles()`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from helpdesk.selectors.access import agent_for, visible_tickets
from knowledge.models import Article, ArticleRevision, ArticleStatus, Category

# Words too common to tell tickets apart when matching an article title against tickets.
_STOPWORDS_TEXT = (
    "a an and are as at be by can do does for from how i if in is it my of on or our the to what when "
    "where which who why with you your der die das und oder ein eine wie ich mein mit fur für von zu im ist"
)
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split(" "))


def public_articles(language: str | None = None) -> QuerySet[Article]:
    """Articles a customer may see: published and not internal-only, optionally in one language."""
    articles = Article.objects.filter(status=ArticleStatus.PUBLISHED, internal_only=False)
    if language:
        articles = articles.filter(language=language)
    return articles.select_related("category")


def public_article_mentions(*, text: str) -> bool:
    """Whether any public article's markdown contains `text` (e.g. an uploaded asset's URL)."""
    return public_articles().filter(body_md__contains=text).exists()


def public_article(*, slug: str) -> Article:
    """One public article by slug; anything else (draft, internal, archived, unknown) is a 404."""
    try:
        return public_articles().get(slug=slug)
    except Article.DoesNotExist:
        raise Http404("No such article.")


def public_categories(language: str | None = None) -> QuerySet[Category]:
    """Categories that hold at least one public article (in `language`, if given), with that count."""
    article_filter = Q(articles__status=ArticleStatus.PUBLISHED, articles__internal_only=False)
    if language:
        article_filter &= Q(articles__language=language)
    return (
        Category.objects.annotate(public_count=Count("articles", filter=article_filter))
        .filter(public_count__gt=0)
        .order_by("position", "name")
    )


def public_translations(*, article: Article) -> list[Article]:
    """The public versions of this article in other languages (the original and its translations)."""
    root_id = article.translation_of_id or article.pk
    family = public_articles().filter(Q(pk=root_id) | Q(translation_of_id=root_id)).exclude(pk=article.pk)
    return list(family.order_by("language"))


def public_article_search(*, query: str, language: str | None = None, limit: int = 10) -> list[Article]:
    """PostgreSQL full text over public articles (the help center's fallback search)."""
    query = (query or "").strip()
    if not query:
        return []
    vector = SearchVector("title", weight="A", config="simple") + SearchVector(
        "summary", "body_md", weight="B", config="simple"
    )
    search = SearchQuery(query, search_type="websearch", config="simple")
    matches = (
        public_articles(language)
        .annotate(rank=SearchRank(vector, search))
        .filter(Q(rank__gt=0) | Q(title__icontains=query))
        .order_by("-rank", "title")
    )
    return list(matches[:limit])


def agent_articles(
    *,
    user,
    status: str | None = None,
    category_id: int | None = None,
    language: str | None = None,
    internal_only: bool | None = None,
    query: str = "",
) -> QuerySet[Article]:
    """Articles for the desk. Only agents get any; they see drafts and internal articles too."""
    if agent_for(user) is None:
        return Article.objects.none()
    articles = Article.objects.select_related("category", "updated_by")
    if status:
        articles = articles.filter(status=status)
    if category_id:
        articles = articles.filter(category_id=category_id)
    if language:
        articles = articles.filter(language=language)
    if internal_only is not None:
        articles = articles.filter(internal_only=internal_only)
    if query:
        articles = articles.filter(Q(title__icontains=query) | Q(body_md__icontains=query))
    return articles.order_by("-updated_at", "-id")


def agent_article(*, user, article_id: int) -> Article:
    try:
        return agent_articles(user=user).get(pk=article_id)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise Http404("No such article.")


def article_revisions(*, article: Article) -> QuerySet[ArticleRevision]:
    return article.revisions.select_related("author").order_by("-number")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", "header"
    text: str


def revision_diff(*, old: ArticleRevision | None, new: ArticleRevision, context: int = 3) -> list[DiffLine]:
    """Line diff of two revisions (title, summary and body), ready for a template."""

    def lines(revision: ArticleRevision | None) -> list[str]:
        if revision is None:
            return []
        return [f"# {revision.title}", "", revision.summary, "", *revision.body_md.splitlines()]

    old_label = f"r{old.number}" if old else "empty"
    diff = difflib.unified_diff(lines(old), lines(new), old_label, f"r{new.number}", n=context, lineterm="")
    result = []
    for line in diff:
        if line.startswith(("---", "+++", "@@")):
            result.append(DiffLine("header", line))
        elif line.startswith("+"):
            result.append(DiffLine("added", line[1:]))
        elif line.startswith("-"):
            result.append(DiffLine("removed", line[1:]))
        else:
            result.append(DiffLine("same", line[1:]))
    return result


def article_keywords(*, article: Article, limit: int = 8) -> list[str]:
    words = []
    for word in (article.title or "").lower().replace("/", " ").split():
        word = "".join(ch for ch in word if ch.isalnum())
        if len(word) > 2 and word not in _STOPWORDS and word not in words:
            words.append(word)
    return words[:limit]


def related_tickets(*, article: Article, user, limit: int = 8):
    """Tickets this user may see that are about this article: first those where an AI answer cited it,
    then tickets whose text matches at least two of the title's keywords (all of them when the title
    has only one), best match first. One shared word ("ride", "order") is not enough to be related."""
    visible = visible_tickets(user=user).select_related("requester")
    cited = list(
        visible.filter(messages__citations__contains=[{"article_id": article.pk}])
        .distinct()
        .order_by("-updated_at")[:limit]
    )
    keywords = article_keywords(article=article)
    if not keywords or len(cited) >= limit:
        return cited
    needed = min(2, len(keywords))
    matched = sum(
        (
            Case(
                When(search_vector=SearchQuery(word, config="simple"), then=1),
                default=0,
                output_field=IntegerField(),
            )
            for word in keywords
        ),
        Value(0),
    )
    search = SearchQuery(" | ".join(keywords), search_type="raw", config="simple")
    by_text = (
        visible.filter(search_vector=search)
        .exclude(pk__in=[t.pk for t in cited])
        .annotate(matched=matched, rank=SearchRank("search_vector", search))
        .filter(matched__gte=needed)
        .order_by("-matched", "-rank", "-updated_at")[: limit - len(cited)]
    )
    return cited + list(by_text)


def feedback_summary(*, article: Article) -> dict[str, int]:
    counts = article.feedback.aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )
    return {"helpful": counts["yes"] or 0, "not_helpful": counts["no"] or 0}
