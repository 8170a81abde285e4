"""Writes of the weekly evaluation loop: build (or rebuild) a week's report, sample AI answers for
the accuracy review, record an agent's grade, mail the PII-free summary to admins."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ai.evaluation.weekly.builder import report_figures, review_figures
from ai.evaluation.weekly.stats import Week
from ai.insights.reports import week_themes
from ai.models import AIInteraction, AISettings, ReviewItem, WeeklyReport
from core.errors import ApplicationError
from helpdesk.extensions import system_mail_send
from helpdesk.models import Agent

logger = logging.getLogger(__name__)


def weekly_report_build(*, week: Week, now: dt.datetime | None = None) -> WeeklyReport:
    """Compute the week's figures and store them on its one row (idempotent: same week, same row)."""
    previous = (
        WeeklyReport.objects.filter(week_start=week.previous().start).values_list("data", flat=True).first()
    )
    figures = report_figures(week=week, now=now, previous=previous)
    figures["themes"] = week_themes(*week.bounds())  # voice of the customer: top 10 with movement
    with transaction.atomic():
        report, _created = WeeklyReport.objects.update_or_create(
            week_start=week.start, defaults={"week": week.label, "data": figures}
        )
    return report


@transaction.atomic
def review_sample_create(*, week: Week, size: int | None = None) -> int:
    """Top the week's review queue up to `size` randomly chosen AI answers (AISettings.review_sample_size
    by default). Running it again adds nothing once the sample is full. Returns the number added."""
    size = AISettings.load().review_sample_size if size is None else size
    have = ReviewItem.objects.filter(week_start=week.start).count()
    if have >= size:
        return 0
    start, end = week.bounds()
    candidates = (
        AIInteraction.objects.filter(
            kind=AIInteraction.Kind.ANSWER, decision=AIInteraction.Decision.ANSWERED,
            created_at__gte=start, created_at__lt=end, review_item__isnull=True,
        ).order_by("?").values_list("pk", flat=True)[: size - have]
    )  # fmt: skip
    items = [ReviewItem(interaction_id=pk, week_start=week.start) for pk in candidates]
    ReviewItem.objects.bulk_create(items, ignore_conflicts=True)
    return len(items)


@transaction.atomic
def review_grade(*, item: ReviewItem, agent: Agent, grade: str, comment: str = "") -> ReviewItem:
    """An agent's grade for a sampled answer; the week's report picks it up on its next build."""
    if grade not in ReviewItem.Grade.values:
        raise ApplicationError(_("Choose one of: correct, partly correct, wrong, should not have answered."))
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    item.grade, item.comment = grade, comment.strip()[:2000]
    item.graded_by, item.graded_at = agent, timezone.now()
    item.save(update_fields=["grade", "comment", "graded_by", "graded_at"])
    report = WeeklyReport.objects.select_for_update().filter(week_start=item.week_start).first()
    if report is not None:  # keep the stored accuracy current without a full rebuild
        report.data["review"] = review_figures(week=Week(item.week_start))
        report.data["graded_accuracy"] = report.data["review"]["accuracy"]
        report.save(update_fields=["data", "built_at"])
    return item


def summary_text(report: WeeklyReport) -> str:
    """The admins' mail: figures only (no customer names, addresses or words)."""
    d = report.data

    def pct(value):
        return "–" if value is None else f"{value * 100:.0f}%"

    review = d.get("review") or {}
    lines = [
        f"Helmdesk AI weekly report {report.week} ({d.get('start')} to {d.get('end')})",
        "",
        f"Conversations: {d.get('conversations', 0)}; AI answered: {d.get('ai_answered', 0)}",
        f"Confirmed resolved: {d.get('confirmed', 0)} ({pct(d['rates'].get('confirmed'))}); "
        f"assumed: {d.get('assumed', 0)} ({pct(d['rates'].get('assumed'))})",
        f"Reopened: {d.get('reopened', 0)}; escalated: {d.get('escalated', 0)}; blocked: {d.get('blocked', 0)}",
        f"Portal deflections: {d.get('deflected', 0)}",
        f"CSAT AI-only: {d.get('csat_ai') or '–'}; human-handled: {d.get('csat_human') or '–'}",
        f"Graded accuracy: {pct(d.get('graded_accuracy'))} ({review.get('graded', 0)} of {review.get('sampled', 0)} graded)",
        "",
        "Top handoff reasons:",
        *[f"  {row['n']:>4}  {row['reason']}" for row in d.get("handoff_reasons", [])[:5]],
        "",
        f"Full report: {settings.SITE_URL}/admin/ai/weeklyreport/{report.pk}/change/",
    ]  # fmt: skip
    return "\n".join(lines)


def weekly_report_mail(*, report: WeeklyReport, force: bool = False) -> int:
    """Mail the summary to the admins once per report (force: again). Returns the number of recipients."""
    if report.mailed_at and not force:
        return 0
    recipients = sorted(
        set(Agent.objects.filter(role=Agent.Role.ADMIN, user__is_active=True)
            .exclude(user__email="").values_list("user__email", flat=True))
    )  # fmt: skip
    if not recipients:
        return 0
    body = summary_text(report)
    for address in recipients:  # the helpdesk's one way out for automatic mail (the email channel's)
        system_mail_send(to=address, subject=f"AI weekly report {report.week}", body=body)
    WeeklyReport.objects.filter(pk=report.pk).update(mailed_at=timezone.now())
    return len(recipients)
