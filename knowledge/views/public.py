"""The public help center at /help/. Everything here starts from knowledge.selectors (public_*),
so drafts and internal-only articles are a 404 on every page."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from helpdesk.selectors.access import agent_for
from knowledge.models import ArticleAsset
from knowledge.selectors.articles import (
    public_article,
    public_article_mentions,
    public_categories,
    public_translations,
)
from knowledge.selectors.help_center import articles_for_reader, help_center_search
from knowledge.services.assets import asset_url
from knowledge.services.feedback import FeedbackRejected, feedback_submit
from knowledge.services.searches import search_click, search_record, search_token
from knowledge.views.forms import FeedbackForm

INLINE_ASSET_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


def reader_language(request) -> str:
    """The language the reader asked for (?lang=), else the one LocaleMiddleware chose."""
    supported = {code for code, _name in settings.LANGUAGES}
    requested = (request.GET.get("lang") or "").lower()
    if requested in supported:
        return requested
    return (getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE).split("-")[0]


@require_GET
def home(request):
    language = reader_language(request)
    articles = articles_for_reader(language=language).order_by("position", "title")
    by_category: dict[int | None, list] = {}
    for article in articles:
        by_category.setdefault(article.category_id, []).append(article)
    categories = [
        (category, by_category.get(category.pk, [])[:6])
        for category in public_categories()
        if category.pk in by_category
    ]
    return render(
        request,
        "knowledge/public/home.html",
        {"categories": categories, "uncategorised": by_category.get(None, []), "language": language},
    )


@require_GET
def category(request, slug: str):
    language = reader_language(request)
    category = get_object_or_404(public_categories(), slug=slug)
    articles = articles_for_reader(language=language).filter(category=category).order_by("position", "title")
    return render(
        request,
        "knowledge/public/category.html",
        {"category": category, "articles": articles, "language": language},
    )


@require_GET
def article(request, slug: str):
    article = public_article(slug=slug)
    translations = public_translations(article=article)
    related = (
        articles_for_reader(language=article.language)
        .filter(category_id=article.category_id)
        .exclude(pk=article.pk)
        .exclude(pk=article.translation_of_id or 0)
        .order_by("position", "title")[:5]
        if article.category_id
        else []
    )
    voted = request.session.get("kb_voted", {}).get(str(article.pk))
    if request.GET.get("sid"):  # opened from a help-center search: that search found an answer
        search_click(token=request.GET["sid"], article=article, session_key=request.session.session_key or "")
    context = {
        "article": article,
        "translations": translations,
        "related": related,
        "voted": voted,
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        "alternates": [(t.language, request.build_absolute_uri(t.get_absolute_url())) for t in translations],
    }
    with translation.override(article.language):
        # The page's chrome speaks the article's language, so a German article reads German throughout.
        return render(request, "knowledge/public/article.html", context)


@require_GET
@vary_on_headers("HX-Request")
def search(request):
    query = (request.GET.get("q") or "").strip()
    language = reader_language(request)
    results = help_center_search(query=query, language=language) if query else []
    if query and not request.session.session_key:
        request.session.save()
    recorded = (
        search_record(
            query=query,
            results_count=len(results),
            language=language,
            session_key=request.session.session_key,
        )
        if query
        else None
    )
    template = "knowledge/public/_search_results.html" if request.htmx else "knowledge/public/search.html"
    context = {"query": query, "results": results, "language": language, "sid": search_token(recorded)}
    return render(request, template, context)


@require_POST
def feedback(request, slug: str):
    article = public_article(slug=slug)
    form = FeedbackForm(request.POST)
    if not request.session.session_key:
        request.session.save()
    error, status = "", 200
    if form.is_valid():
        try:
            feedback_submit(
                article=article,
                helpful=form.cleaned_data["helpful"],
                comment=form.cleaned_data["comment"],
                visitor_id=request.session.session_key,
                language=article.language,
            )
            voted = request.session.get("kb_voted", {})
            voted[str(article.pk)] = "yes" if form.cleaned_data["helpful"] else "no"
            request.session["kb_voted"] = voted
        except FeedbackRejected as exc:
            error, status = exc.message, 429
    else:
        error, status = _("Please choose yes or no."), 400
    context = {
        "article": article,
        "voted": request.session.get("kb_voted", {}).get(str(article.pk)),
        "error": error,
    }
    if request.htmx:
        return render(request, "knowledge/public/_feedback.html", context, status=status)
    with translation.override(article.language):
        return render(request, "knowledge/public/feedback_done.html", context, status=status)


@require_GET
def asset(request, asset_id: int, filename: str):
    """Serve an uploaded file. Customers get it only when a public article uses it; agents always."""
    asset = get_object_or_404(ArticleAsset, pk=asset_id)
    if agent_for(request.user) is None and not _used_by_public_article(asset):
        raise Http404("No such file.")
    inline = asset.content_type in INLINE_ASSET_TYPES
    response = FileResponse(
        asset.file.open("rb"),
        as_attachment=not inline,
        filename=asset.original_name,
        content_type=asset.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _used_by_public_article(asset: ArticleAsset) -> bool:
    path = asset_url(asset)
    return public_article_mentions(text=path)
