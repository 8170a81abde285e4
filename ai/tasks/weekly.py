"""The weekly evaluation task, run by the "helmdesk-ai-weekly-report" schedule (ai migration 0008)
every Monday morning in the company time zone. Idempotent: the report row is rebuilt, the review
sample only topped up, the summary mailed once."""

from __future__ import annotations

from ai.evaluation.weekly.stats import last_complete_week, week_parse
from ai.models import TestRun
from ai.services.sandbox import sandbox_run_execute as run_execute
from ai.services.weekly import review_sample_create, weekly_report_build, weekly_report_mail


def weekly_report_run(week: str | None = None, mail: bool = True) -> str:
    target = week_parse(week) if week else last_complete_week()
    review_sample_create(week=target)
    report = weekly_report_build(week=target)
    if mail:
        weekly_report_mail(report=report)
    return report.week


def sandbox_run_execute(run_id: int) -> str:
    """An AI test run (queued by ai.services.sandbox.sandbox_run_create)."""
    run = TestRun.objects.filter(pk=run_id).first()
    if run is None:
        return "missing"
    run_execute(run=run)
    return f"{run.items.count()} answered"
