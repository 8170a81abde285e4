"""AI metrics for the desk reports: AI resolution, handoff and deflection rates over a period, and a
per-article table of answers that cited it and how many of those were confirmed resolved."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ai.evaluation.weekly.outcomes import ASSUMED, CONFIRMED, ESCALATED, outcome_counts, outcomes_for
from ai.evaluation.weekly.stats import rate
from ai.models import AIInteraction, AISettings
from helpdesk.models import Deflection
from helpdesk.selectors.access import visible_tickets
from knowledge.models import Article


@dataclass
class AIMetrics:
    start: dt.datetime
    end: dt.datetime
    conversations: int = 0
    ai_touched: int = 0
    counts: dict = field(default_factory=dict)
    resolution_rate: float | None = None
    confirmed_rate: float | None = None
    handoff_rate: float | None = None
    deflected: int = 0
    deflection_rate: float | None = None
    articles: list[dict] = field(default_factory=list)


def ai_metrics(*, user, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> AIMetrics:
    settings_row = AISettings.load()
    ids = list(
        visible_tickets(user=user)
        .filter(created_at__gte=start, created_at__lt=end, merged_into__isnull=True)
        .values_list("pk", flat=True)
    )
    outcomes = outcomes_for(ids, now=now or end, assume_days=settings_row.outcome_assume_days,
                            reopen_days=settings_row.outcome_reopen_days)  # fmt: skip
    counts = outcome_counts(outcomes)
    touched = len(outcomes)
    deflected = Deflection.objects.filter(created_at__gte=start, created_at__lt=end).count()
    metrics = AIMetrics(
        start=start, end=end, conversations=len(ids), ai_touched=touched, counts=counts,
        resolution_rate=rate(counts[CONFIRMED] + counts[ASSUMED], touched),
        confirmed_rate=rate(counts[CONFIRMED], touched), handoff_rate=rate(counts[ESCALATED], touched),
        deflected=deflected, deflection_rate=rate(deflected, deflected + len(ids)),
    )  # fmt: skip
    cited, confirmed = Counter(), Counter()
    answers = AIInteraction.objects.filter(
        ticket_id__in=list(outcomes), kind=AIInteraction.Kind.ANSWER, decision=AIInteraction.Decision.ANSWERED
    ).values_list("ticket_id", "citations")
    for ticket_id, citations in answers:
        for article_id in {c.get("article_id") for c in citations or [] if c.get("article_id")}:
            cited[article_id] += 1
            if outcomes[ticket_id].klass == CONFIRMED:
                confirmed[article_id] += 1
    titles = dict(Article.objects.filter(pk__in=list(cited)).values_list("pk", "title"))
    metrics.articles = [
        {"article_id": a, "title": titles.get(a, f"#{a}"), "cited": n, "confirmed": confirmed[a],
         "confirmed_rate": rate(confirmed[a], n)}
        for a, n in cited.most_common(25)
    ]  # fmt: skip
    return metrics
