"""/desk/ai/metrics/: the AI section of the desk reports (linked from /desk/reports/)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ai.selectors.metrics import ai_metrics
from core.views import agent_required

PRESETS = {"7": 7, "30": 30, "90": 90}


@require_GET
@agent_required
def ai_metrics_page(request):
    days = PRESETS.get(request.GET.get("days", "30"), 30)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    start = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    metrics = ai_metrics(user=request.user, start=start, end=end, now=timezone.now())
    return render(request, "ai/metrics.html", {"m": metrics, "days": days, "nav_active": "reports"})
