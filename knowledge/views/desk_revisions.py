"""Revision history of an article in the desk: list, diff against the previous revision, restore."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import agent_required
from knowledge.selectors.articles import agent_article, article_revisions, revision_diff
from knowledge.services.articles import article_restore_revision


@agent_required
def revision_list(request, article_id: int):
    article = agent_article(user=request.user, article_id=article_id)
    context = {"article": article, "revisions": article_revisions(article=article), "nav_active": "kb"}
    return render(request, "knowledge/desk/revision_list.html", context)


@agent_required
def revision_detail(request, article_id: int, number: int):
    article = agent_article(user=request.user, article_id=article_id)
    revisions = article_revisions(article=article)
    revision = _revision(revisions, number)
    against_number = request.GET.get("against")
    if against_number and against_number.isdigit():
        older = _revision(revisions, int(against_number))
    else:
        older = revisions.filter(number__lt=number).first()
    context = {
        "article": article,
        "revision": revision,
        "older": older,
        "diff": revision_diff(old=older, new=revision),
        "is_current": revision.number == revisions.values_list("number", flat=True).first(),
        "nav_active": "kb",
    }
    return render(request, "knowledge/desk/revision_detail.html", context)


@agent_required
@require_POST
def revision_restore(request, article_id: int, number: int):
    article = agent_article(user=request.user, article_id=article_id)
    revision = _revision(article_revisions(article=article), number)
    article_restore_revision(article=article, revision=revision, actor=request.user)
    messages.success(request, _("Revision %(number)d restored as a new revision.") % {"number": number})
    return redirect("kb:edit", article_id=article.pk)


def _revision(revisions, number: int):
    revision = revisions.filter(number=number).first()
    if revision is None:
        raise Http404("No such revision.")
    return revision
