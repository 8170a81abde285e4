"""/desk/ai/review/: the weekly accuracy review queue and its two-key grading page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ai.models import ReviewItem
from ai.selectors.review import review_page, review_queue, review_weeks
from ai.services.weekly import review_grade
from core.errors import ApplicationError
from core.views import agent_required


def _week(value: str | None, weeks: list[dt.date]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else (weeks[0] if weeks else None)
    except ValueError:
        return weeks[0] if weeks else None


@require_GET
@agent_required
def queue(request):
    weeks = review_weeks()
    week = _week(request.GET.get("week"), weeks)
    items = list(review_queue(user=request.user, week_start=week)[:500]) if week else []
    graded = sum(1 for item in items if item.grade)
    context = {"items": items, "weeks": weeks, "week": week, "graded": graded, "nav_active": "reports"}
    return render(request, "ai/review_queue.html", context)


@require_http_methods(["GET", "POST"])
@agent_required
def grade(request, item_id: int):
    page = review_page(user=request.user, item_id=item_id)
    if request.method == "POST":
        try:
            review_grade(item=page.item, agent=request.agent, grade=request.POST.get("grade", ""),
                         comment=request.POST.get("comment", ""))  # fmt: skip
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("ai:review_grade", item_id=item_id)
        messages.success(request, _("Graded."))
        if page.next_id:
            return redirect("ai:review_grade", item_id=page.next_id)
        return redirect(f"{reverse('ai:review_queue')}?week={page.item.week_start.isoformat()}")
    return render(request, "ai/review_grade.html", {"page": page, "grades": ReviewItem.Grade.choices,
                                                     "nav_active": "reports"})  # fmt: skip
