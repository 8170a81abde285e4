"""/desk/ai/insights/: voice of the customer (themes, trends, escalation reasons) and knowledge gaps."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ai.insights import edits, reports
from ai.insights.drafting import gap_draft_article
from ai.insights.gaps import gaps_sync_published
from ai.models import KnowledgeGap, Theme, ThemeKind, ThemeRun
from core.request_input import int_param
from core.views import agent_required

MAX_ID = 2**62
VIEWS = {
    "": None,
    "complaints": ThemeKind.COMPLAINT,
    "requests": ThemeKind.FEATURE_REQUEST,
    "questions": ThemeKind.QUESTION,
}


@require_GET
@agent_required
def insights_page(request):
    run = reports.latest_run()
    view = request.GET.get("view", "")
    kind = VIEWS.get(view)
    show_hidden = request.GET.get("hidden") == "1"
    rows = reports.run_themes(run, kind=kind or "", include_hidden=show_hidden, limit=30) if run else []
    history_runs, sizes = reports.theme_history([s.theme_id for s in rows])
    themes = [
        {"s": s, "points": reports.sparkline(sizes.get(s.theme_id, [])), "sizes": sizes.get(s.theme_id, [])}
        for s in rows
    ]
    reasons = reports.escalation_reasons(run.period_start, run.period_end) if run else []
    context = {
        "run": run, "themes": themes, "view": view, "show_hidden": show_hidden, "reasons": reasons,
        "history_runs": history_runs, "gaps": reports.open_gaps(limit=10), "nav_active": "insights",
        "all_themes": Theme.objects.filter(merged_into__isnull=True).order_by("name"),
    }  # fmt: skip
    return render(request, "ai/insights.html", context)


@require_GET
@agent_required
def theme_detail(request, theme_id: int):
    theme = get_object_or_404(Theme, pk=theme_id)
    run_id = int_param(request.GET.get("run"), default=0, low=0, high=MAX_ID)
    run = get_object_or_404(ThemeRun, pk=run_id) if run_id else reports.latest_run()
    snapshot = run.snapshots.filter(theme=theme).first() if run else None
    history_runs, sizes = reports.theme_history([theme.pk])
    context = {
        "theme": theme, "run": run, "snapshot": snapshot, "nav_active": "insights",
        "tickets": reports.theme_tickets(theme, run) if run else [], "points": reports.sparkline(sizes[theme.pk], width=320, height=60),
        "history": list(zip(history_runs, sizes[theme.pk], strict=True)),
        "targets": Theme.objects.filter(merged_into__isnull=True).exclude(pk=theme.pk).order_by("name"),
    }  # fmt: skip
    return render(request, "ai/insights_theme.html", context)


@require_POST
@agent_required
def theme_edit(request, theme_id: int):
    theme = get_object_or_404(Theme, pk=theme_id)
    action = request.POST.get("action")
    try:
        if action == "rename":
            edits.theme_rename(
                theme=theme, name=request.POST.get("name", ""), description=request.POST.get("description")
            )
        elif action in {"hide", "show"}:
            edits.theme_set_hidden(theme=theme, hidden=action == "hide")
        elif action == "merge":
            target = get_object_or_404(
                Theme, pk=int_param(request.POST.get("target"), default=0, low=0, high=MAX_ID)
            )
            theme = edits.theme_merge(source=theme, target=target)
        elif action == "split":
            edits.theme_split(theme=theme)
        else:
            raise Http404
    except edits.ThemeEditError as error:
        messages.error(request, str(error))
    return redirect("ai:insights_theme", theme_id=theme.pk)


@require_GET
@agent_required
def gap_list(request):
    gaps_sync_published()
    gaps = reports.open_gaps(limit=100)
    impact = {gap.pk: reports.gap_impact(gap) for gap in gaps if gap.published_at}
    rows = [{"gap": gap, "impact": impact.get(gap.pk)} for gap in gaps]
    context = {"rows": rows, "searches": reports.searches_without_click(), "nav_active": "insights"}
    return render(request, "ai/insights_gaps.html", context)


@require_GET
@agent_required
def gap_detail(request, gap_id: int):
    gap = get_object_or_404(KnowledgeGap.objects.select_related("nearest_article", "article"), pk=gap_id)
    context = {"gap": gap, "impact": reports.gap_impact(gap), "nav_active": "insights"}
    return render(request, "ai/insights_gap.html", context)


@require_POST
@agent_required
def gap_draft(request, gap_id: int):
    gap = get_object_or_404(KnowledgeGap, pk=gap_id)
    article = gap_draft_article(gap=gap, actor=request.user)
    gap.refresh_from_db()
    url = reverse("kb:edit", kwargs={"article_id": article.pk})
    if gap.proposal_md:  # "update": the existing article's editor, with the proposed section added
        messages.success(
            request, _("A section for this gap is proposed below. Save the article to close the gap.")
        )
        return redirect(f"{url}?proposal=gap-{gap.pk}")
    messages.success(request, _("Draft article created. Publish it from the editor to close the gap."))
    return redirect(url)
