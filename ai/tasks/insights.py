"""Voice of the customer and knowledge gaps, every week (schedule "helmdesk-ai-insights-weekly",
ai migration 0009, Monday 05:30 company time, before the weekly report). Idempotent: a period's
theme run is replaced when run again; gaps already known are matched, not duplicated."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ai.insights.gaps import gaps_detect
from ai.insights.themes import themes_run


def week_bounds(day: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The last complete Monday-to-Monday week before `day` (default today), company time zone."""
    tz = ZoneInfo(settings.TIME_ZONE)
    day = day or timezone.now().astimezone(tz).date()
    end = dt.datetime.combine(day - dt.timedelta(days=day.weekday()), dt.time.min, tzinfo=tz)
    return end - dt.timedelta(days=7), end


def insights_weekly_run(day: str | None = None) -> str:
    start, end = week_bounds(dt.date.fromisoformat(day) if day else None)
    run = themes_run(period_start=start, period_end=end)
    gaps = gaps_detect(period_start=start, period_end=end)
    return f"{run.themes} themes, {run.noise} noise, {len(gaps)} gaps"
