"""Knowledge-base authoring in the agent desk (/desk/kb/): list, editor with live preview, uploads,
publish/unpublish. Revision history lives in knowledge/views/desk_revisions.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from core.errors import ApplicationError
from core.views import agent_required
from knowledge.extensions import (
    article_counts,
    article_counts_available,
    editor_proposal,
    editor_proposal_saved,
)
from knowledge.selectors.articles import (
    agent_article,
    agent_articles,
    feedback_summary,
    related_tickets,
)
from knowledge.services.articles import (
    article_archive,
    article_create,
    article_publish,
    article_unpublish,
    article_update,
    render_preview_checked,
)
from knowledge.services.assets import AssetRejected, asset_markdown, asset_upload
from knowledge.views.forms import ArticleFilterForm, ArticleForm, UploadForm

PAGE_SIZE = 30
PREVIEW_MAX_CHARS = 200_000


@agent_required
@vary_on_headers("HX-Request")
def article_list(request):
    form = ArticleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    audience = filters.get("audience") or ""
    articles = agent_articles(
        user=request.user,
        status=filters.get("status") or None,
        category_id=filters["category"].pk if filters.get("category") else None,
        language=filters.get("language") or None,
        internal_only={"public": False, "internal": True}.get(audience),
        query=(filters.get("q") or "").strip(),
    )
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = article_counts([article.pk for article in page])  # from the AI, when it is installed
    for article in page:
        article.usage = counts.get(article.pk, {})
    context = {
        "form": form,
        "page": page,
        "show_usage": article_counts_available(),
        "nav_active": "kb",
        "querystring": _querystring_without_page(request),
    }
    if request.htmx and request.htmx.target == "kb-results":
        return render(request, "knowledge/desk/_article_results.html", context)
    return render(request, "knowledge/desk/article_list.html", context)


@agent_required
@require_http_methods(["GET", "POST"])
def article_new(request):
    form = ArticleForm(request.POST or None, initial={"language": request.LANGUAGE_CODE[:2]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = article_create(
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                body_md=data["body_md"],
                category=data["category"],
                language=data["language"],
                internal_only=data["internal_only"],
                translation_of=data["translation_of"],
                publish="publish" in request.POST,
                actor=request.user,
                note=data["note"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Article created."))
            return redirect("kb:edit", article_id=article.pk)
    return render(
        request, "knowledge/desk/article_edit.html", {"form": form, "article": None, "nav_active": "kb"}
    )


@agent_required
@require_http_methods(["GET", "POST"])
def article_edit(request, article_id: int):
    article = agent_article(user=request.user, article_id=article_id)
    proposal_key = (request.GET.get("proposal") or "")[:50]
    proposal = editor_proposal(article=article, key=proposal_key) if proposal_key else None
    initial = ArticleForm.initial_for(article)
    if proposal is not None:  # opened with a proposed change (a knowledge gap): applied, not saved yet
        initial.update(body_md=proposal.body_md, note=proposal.note)
    form = ArticleForm(request.POST or None, initial=initial, article=article)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = article_update(
                article=article,
                actor=request.user,
                note=data["note"],
                title=data["title"],
                slug=data["slug"] or article.slug,
                summary=data["summary"],
                body_md=data["body_md"],
                category=data["category"],
                language=data["language"],
                internal_only=data["internal_only"],
                translation_of=data["translation_of"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if "publish" in request.POST:
                article_publish(article=article, actor=request.user)
            if proposal is not None:
                editor_proposal_saved(article=article, key=proposal_key, actor=request.user)
            messages.success(request, _("Saved."))
            return redirect("kb:edit", article_id=article.pk)
    context = {
        "form": form,
        "article": article,
        "nav_active": "kb",
        "feedback": feedback_summary(article=article),
        "events": article.events.select_related("actor").order_by("-id")[:10],
        "preview_html": article.body_html,
        "proposal": proposal,
    }
    return render(request, "knowledge/desk/article_edit.html", context)


@agent_required
@require_POST
def article_preview(request):
    """The editor's live preview: the markdown rendered and sanitised exactly as customers will see it."""
    body_md = request.POST.get("body_md", "")[:PREVIEW_MAX_CHARS]
    html, missing = render_preview_checked(body_md=body_md)
    return render(request, "knowledge/desk/_preview.html", {"preview_html": html, "missing_links": missing})


@agent_required
@require_POST
def article_status(request, article_id: int, action: str):
    article = agent_article(user=request.user, article_id=article_id)
    actions = {"publish": article_publish, "unpublish": article_unpublish, "archive": article_archive}
    if action not in actions:
        return HttpResponseBadRequest()
    actions[action](article=article, actor=request.user)
    labels = {
        "publish": _("Published."),
        "unpublish": _("Unpublished: customers no longer see it."),
        "archive": _("Archived."),
    }
    messages.success(request, labels[action])
    return redirect("kb:edit", article_id=article.pk)


@agent_required
@require_POST
def asset_upload_view(request):
    """Upload from the editor; answers with the markdown to insert at the cursor."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"error": _("Choose a file to upload.")}, status=400)
    article = None
    if request.POST.get("article"):
        article = agent_article(user=request.user, article_id=request.POST["article"])
    try:
        asset = asset_upload(uploaded=form.cleaned_data["file"], actor=request.user, article=article)
    except AssetRejected as exc:
        return JsonResponse({"error": exc.message}, status=400)
    return JsonResponse({"markdown": asset_markdown(asset), "name": asset.original_name})


@agent_required
def article_related_tickets(request, article_id: int):
    article = agent_article(user=request.user, article_id=article_id)
    tickets = related_tickets(article=article, user=request.user)
    return render(request, "knowledge/desk/_related_tickets.html", {"article": article, "tickets": tickets})


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
