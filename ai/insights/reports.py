"""Reads for the Insights pages and the weekly report (selectors): themes of a run, a theme's
history, its tickets, escalation reasons, gaps and a published gap's before/after figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ai.insights.vectors import from_bytes, opening_texts, ticket_vectors
from ai.models import AIInteraction, KnowledgeGap, Theme, ThemeRun, ThemeSnapshot, ThemeTicket
from ai.services.handoff import handoff_reason_text
from helpdesk.models import Message, Ticket
from knowledge.selectors.searches import unanswered_searches

HISTORY_RUNS = 8
IMPACT_WINDOW = timedelta(days=28)
IMPACT_SIMILARITY = 0.65


def latest_run() -> ThemeRun | None:
    return ThemeRun.objects.order_by("-period_end", "-id").first()


def run_themes(
    run: ThemeRun, *, kind: str = "", include_hidden: bool = False, limit: int | None = None
) -> list[ThemeSnapshot]:
    rows = run.snapshots.select_related("theme").order_by("-size", "theme__name")
    if not include_hidden:
        rows = rows.filter(theme__hidden=False)
    if kind:
        rows = rows.filter(theme__kind=kind)
    return list(rows[:limit] if limit else rows)


def theme_history(
    theme_ids: list[int], *, runs: int = HISTORY_RUNS
) -> tuple[list[ThemeRun], dict[int, list[int]]]:
    """The last `runs` runs (oldest first) and each theme's size in them (0 where absent)."""
    recent = list(ThemeRun.objects.order_by("-period_end", "-id")[:runs])[::-1]
    sizes = {tid: [0] * len(recent) for tid in theme_ids}
    position = {run.pk: i for i, run in enumerate(recent)}
    for run_id, theme_id, size in ThemeSnapshot.objects.filter(
        run__in=recent, theme_id__in=theme_ids
    ).values_list("run_id", "theme_id", "size"):
        sizes[theme_id][position[run_id]] = size
    return recent, sizes


def sparkline(values: list[int], *, width: int = 120, height: int = 28) -> str:
    """SVG polyline points for a trend chart (the template draws the <svg>)."""
    if not values:
        return ""
    top = max(max(values), 1)
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values)
    )


def theme_tickets(theme: Theme, run: ThemeRun) -> list[Ticket]:
    ids = ThemeTicket.objects.filter(run=run, theme=theme).values_list("ticket_id", flat=True)
    return list(Ticket.objects.filter(pk__in=ids).select_related("requester").order_by("-created_at"))


def escalation_reasons(start: datetime, end: datetime) -> list[tuple[str, int]]:
    """Why conversations reached a human: AI handoffs in the period by reason."""
    reasons = AIInteraction.objects.filter(
        decision=AIInteraction.Decision.HANDED_OFF, created_at__gte=start, created_at__lt=end
    ).values_list("reason", flat=True)
    counts = Counter(r.split(":")[0].split(" ")[0] or "unknown" for r in reasons).most_common()
    # in words for people ("the AI was not confident enough"), never the stored code
    return [(handoff_reason_text(key) if key != "unknown" else "unknown", n) for key, n in counts]


def searches_without_click(*, days: int = 30, limit: int = 20):
    """The help center's most frequent searches of the last `days` that found nothing or were not
    followed by a click (knowledge.selectors.searches), for the gaps page."""
    end = timezone.now()
    return unanswered_searches(start=end - timedelta(days=days), end=end, limit=limit)


def open_gaps(limit: int = 50) -> list[KnowledgeGap]:
    return list(
        KnowledgeGap.objects.exclude(status=KnowledgeGap.Status.DISMISSED)
        .select_related("nearest_article", "article")
        .order_by("-agent_minutes", "-volume", "id")[:limit]
    )


@dataclass
class Window:
    tickets: int
    ai_answered: int
    deflected: int

    @property
    def answer_rate(self) -> float | None:
        return self.ai_answered / self.tickets if self.tickets else None

    @property
    def deflection(self) -> float | None:
        return self.deflected / self.tickets if self.tickets else None


def gap_impact(gap: KnowledgeGap, *, now: datetime | None = None) -> tuple[Window, Window] | None:
    """Tickets like the gap's questions in the IMPACT_WINDOW before and after its article went live:
    how many, how many the AI answered, how many it deflected (answered, no agent reply)."""
    if gap.published_at is None or not gap.centroid:
        return None
    now = now or timezone.now()
    centre = from_bytes(gap.centroid)
    windows = []
    for start, end in (
        (gap.published_at - IMPACT_WINDOW, gap.published_at),
        (gap.published_at, min(now, gap.published_at + IMPACT_WINDOW)),
    ):
        ids = list(
            Ticket.objects.filter(created_at__gte=start, created_at__lt=end).values_list("pk", flat=True)
        )
        if ids:
            vectors = ticket_vectors(ids, opening_texts(ids))
            ids = [tid for tid, v in zip(ids, vectors, strict=True) if float(v @ centre) >= IMPACT_SIMILARITY]
        answered = AIInteraction.objects.filter(
            ticket_id=OuterRef("pk"), kind=AIInteraction.Kind.ANSWER, decision=AIInteraction.Decision.ANSWERED
        )
        agent = Message.objects.filter(
            ticket_id=OuterRef("pk"), author_kind=Message.AuthorKind.AGENT, is_internal=False
        )
        rows = Ticket.objects.filter(pk__in=ids).annotate(ai=Exists(answered), human=Exists(agent))
        windows.append(Window(tickets=len(ids), ai_answered=rows.filter(ai=True).count(),
                              deflected=rows.filter(Q(ai=True) & Q(human=False)).count()))  # fmt: skip
    return windows[0], windows[1]


def week_themes(start: datetime, end: datetime, *, limit: int = 10) -> list[dict]:
    """For the weekly report: the top themes of the theme run covering that week, with movement."""
    run = (
        ThemeRun.objects.filter(
            period_end__gt=start + timedelta(days=3), period_end__lte=end + timedelta(days=1)
        )
        .order_by("-period_end", "-id")
        .first()
    )
    if run is None:
        return []
    return [
        {"theme": s.theme.name, "theme_id": s.theme_id, "size": s.size, "previous": s.previous_size,
         "change": s.size - s.previous_size, "status": s.status, "kind": s.theme.kind}
        for s in run_themes(run, limit=limit)
    ]  # fmt: skip
