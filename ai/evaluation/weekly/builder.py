"""The weekly AI evaluation figures for one ISO week (company time zone), as a JSON-ready dict.

Conversations are the week's new tickets (merged ones left out); their outcome classes are computed
as of now from what happened next (ai.evaluation.weekly.outcomes). Only counts, rates, durations,
rule names and redacted text (AIInteraction.redacted_input) go in: never names, addresses or raw
customer words.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from ai.evaluation.weekly.outcomes import (
    ASSUMED,
    BLOCKED,
    CLASSES,
    CONFIRMED,
    ESCALATED,
    REOPENED,
    outcome_counts,
    outcomes_for,
)
from ai.evaluation.weekly.stats import Week, cluster_texts, mean, percentile, rate, wilson
from ai.models import (
    AIDraft,
    AIInteraction,
    AISettings,
    ReviewItem,
    RolloutAssignment,
    TicketTriage,
    TriageLabel,
)
from ai.services.drafts import similarity as text_similarity
from helpdesk.models import CsatSurvey, Deflection, Message, Ticket, TicketEvent, TicketStatus
from knowledge.models import ArticleFeedback

GAP_REASONS = ("low", "no_supported_answer", "model_abstained", "same question")
RATE_KEYS = ["confirmed", "assumed", "reopened", "escalated", "blocked", "unresolved", "pending"]


def _hours(start, end) -> float | None:
    return round((end - start).total_seconds() / 3600, 3) if start and end else None


def report_figures(*, week: Week, now: dt.datetime | None = None, previous: dict | None = None) -> dict:
    now = now or timezone.now()
    start, end = week.bounds()
    ai_settings = AISettings.load()
    tickets = Ticket.objects.filter(created_at__gte=start, created_at__lt=end, merged_into__isnull=True)
    rows = list(tickets.values("id", "channel", "created_at", "first_response_at", "solved_at"))
    ticket_ids = [row["id"] for row in rows]
    outcomes = outcomes_for(
        ticket_ids, now=now, assume_days=ai_settings.outcome_assume_days,
        reopen_days=ai_settings.outcome_reopen_days,
    )  # fmt: skip
    counts = outcome_counts(outcomes)
    touched = len(outcomes)
    answered_ids = set(
        AIInteraction.objects.filter(
            ticket_id__in=ticket_ids, kind=AIInteraction.Kind.ANSWER, decision=AIInteraction.Decision.ANSWERED
        ).values_list("ticket_id", flat=True)
    )
    agent_ids = set(
        Message.objects.filter(
            ticket_id__in=ticket_ids, author_kind=Message.AuthorKind.AGENT, is_internal=False
        ).values_list("ticket_id", flat=True)
    )
    ai_only = {tid for tid in outcomes if tid not in agent_ids}
    figures = {
        "week": week.label,
        "start": week.start.isoformat(),
        "end": week.end.isoformat(),
        "built_at": now.isoformat(),
        "settings": {
            "assume_days": ai_settings.outcome_assume_days,
            "reopen_days": ai_settings.outcome_reopen_days,
        },
        "conversations": len(rows),
        "volume_by_channel": dict(Counter(row["channel"] for row in rows).most_common()),
        "ai_touched": touched,
        "ai_answered": len(answered_ids),
        **{klass: counts[klass] for klass in CLASSES},
        "rates": {klass: rate(counts[klass], touched) for klass in RATE_KEYS},
        "ai_resolution_rate": rate(counts[CONFIRMED] + counts[ASSUMED], touched),
        "handoff_rate": rate(counts[ESCALATED], touched),
        "handoff_reasons": [
            {"reason": reason, "n": n}
            for reason, n in Counter(
                o.reason for o in outcomes.values() if o.klass == ESCALATED
            ).most_common()
        ],
    }
    figures.update(_csat(ticket_ids, ai_only=ai_only, human=agent_ids))
    figures.update(_times(rows, ai_ids=set(outcomes)))
    figures.update(_deflection(start, end, reopen_days=ai_settings.outcome_reopen_days))
    figures["drafts"] = _drafts(start, end)
    figures["triage"] = _triage(ticket_ids)
    figures["knowledge_gaps"] = _gaps(start, end)
    figures["guardrail_blocks"] = _blocks(outcomes)
    figures["cost"] = _cost(start, end)
    figures["shadow"] = _shadow(start, end)
    figures["rollout"] = _rollout(rows, outcomes)
    figures["review"] = review_figures(week=week)
    figures["graded_accuracy"] = figures["review"]["accuracy"]
    figures["deltas"] = _deltas(figures, previous)
    return figures


def _csat(ticket_ids, *, ai_only: set, human: set) -> dict:
    ratings = CsatSurvey.objects.filter(ticket_id__in=ticket_ids, rating__isnull=False)
    by_ticket = list(ratings.values_list("ticket_id", "rating"))
    ai = [r for tid, r in by_ticket if tid in ai_only]
    people = [r for tid, r in by_ticket if tid in human]
    return {
        "csat_ai": mean(ai),
        "csat_ai_n": len(ai),
        "csat_human": mean(people),
        "csat_human_n": len(people),
    }


def _times(rows, *, ai_ids: set) -> dict:
    def medians(selected):
        first = [_hours(r["created_at"], r["first_response_at"]) for r in selected]
        solved = [_hours(r["created_at"], r["solved_at"]) for r in selected]
        return {"first_response_h": percentile(first, 0.5), "resolution_h": percentile(solved, 0.5)}

    return {
        "times": {
            "with_ai": medians([r for r in rows if r["id"] in ai_ids]),
            "without_ai": medians([r for r in rows if r["id"] not in ai_ids]),
        }
    }


def _deflection(start, end, *, reopen_days: int) -> dict:
    """Portal deflection (suggestion read, no ticket sent) with the same honesty: confirmed when the
    visitor marked the article helpful, reopened when the customer still wrote within the window."""
    rows = list(Deflection.objects.filter(created_at__gte=start, created_at__lt=end)
                .values("article_id", "customer_id", "session_key", "created_at"))  # fmt: skip
    helpful = set(
        ArticleFeedback.objects.filter(helpful=True, created_at__gte=start, visitor_id__gt="").values_list(
            "article_id", "visitor_id"
        )
    )
    customer_ids = {r["customer_id"] for r in rows if r["customer_id"]}
    wrote: dict[int, list] = {}
    for requester_id, at in Ticket.objects.filter(
        requester_id__in=customer_ids, created_at__gte=start
    ).values_list("requester_id", "created_at"):
        wrote.setdefault(requester_id, []).append(at)
    classes = Counter()
    for row in rows:
        later = [at for at in wrote.get(row["customer_id"], []) if
                 row["created_at"] < at <= row["created_at"] + dt.timedelta(days=reopen_days)]  # fmt: skip
        if later:
            classes[REOPENED] += 1
        elif (row["article_id"], row["session_key"]) in helpful:
            classes[CONFIRMED] += 1
        else:
            classes[ASSUMED] += 1
    feedback = ArticleFeedback.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )
    return {
        "deflected": len(rows),
        "deflection": {klass: classes.get(klass, 0) for klass in (CONFIRMED, ASSUMED, REOPENED)},
        "help_center_feedback": {"helpful": feedback["yes"], "not_helpful": feedback["no"]},
    }


def _drafts(start, end) -> dict:
    drafts = AIDraft.objects.filter(created_at__gte=start, created_at__lt=end)
    agg = drafts.aggregate(n=Count("id"), used=Count("id", filter=Q(sent_message__isnull=False)),
                           similarity=Avg("edit_similarity"))  # fmt: skip
    return {"n": agg["n"], "used": agg["used"], "use_rate": rate(agg["used"], agg["n"]),
            "edit_similarity": round(agg["similarity"], 3) if agg["similarity"] is not None else None}  # fmt: skip


def _triage(ticket_ids) -> dict:
    triaged = TicketTriage.objects.filter(ticket_id__in=ticket_ids, topic__isnull=False).count()
    corrected = (
        TriageLabel.objects.filter(ticket_id__in=ticket_ids, source=TriageLabel.Source.AGENT_CORRECTION)
        .values("ticket_id").distinct().count()
    )  # fmt: skip
    return {"triaged": triaged, "corrected": corrected,
            "accuracy": rate(triaged - corrected, triaged) if triaged else None}  # fmt: skip


def _gaps(start, end) -> list[dict]:
    """Questions handed off for lack of sources, clustered (redacted text only)."""
    handed = AIInteraction.objects.filter(
        kind=AIInteraction.Kind.ANSWER, decision=AIInteraction.Decision.HANDED_OFF,
        created_at__gte=start, created_at__lt=end,
    ).values_list("reason", "redacted_input")  # fmt: skip
    texts = [text for reason, text in handed if text and any(key in reason for key in GAP_REASONS)]
    return cluster_texts(texts)


def _blocks(outcomes) -> dict:
    kinds = Counter()
    for outcome in outcomes.values():
        if outcome.klass == BLOCKED:
            kinds.update(part.strip() for part in outcome.reason.split(","))
    return dict(kinds.most_common())


def _cost(start, end) -> dict:
    runs = AIInteraction.objects.filter(created_at__gte=start, created_at__lt=end)
    agg = runs.aggregate(prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens"), n=Count("id"))
    latencies = list(runs.filter(kind=AIInteraction.Kind.ANSWER).values_list("latency_ms", flat=True))
    return {"runs": agg["n"], "prompt_tokens": agg["prompt"] or 0, "completion_tokens": agg["completion"] or 0,
            "latency_p95_ms": percentile(latencies, 0.95)}  # fmt: skip


def _shadow(start, end) -> dict:
    """Shadow mode: the AI's private answers measured against what the agents then sent."""
    runs = list(
        AIInteraction.objects.filter(
            kind=AIInteraction.Kind.SHADOW, created_at__gte=start, created_at__lt=end
        ).values_list("ticket_id", "message__seq", "output")
    )
    replies: dict[int, list] = {}
    agent_messages = Message.objects.filter(
        ticket_id__in={run[0] for run in runs}, author_kind=Message.AuthorKind.AGENT, is_internal=False
    ).order_by("seq")
    for ticket_id, seq, body in agent_messages.values_list("ticket_id", "seq", "body_text"):
        replies.setdefault(ticket_id, []).append((seq, body))
    scores = []
    for ticket_id, seq, output in runs:
        sent = next((body for s, body in replies.get(ticket_id, []) if seq is None or s > seq), None)
        if sent is not None and output:
            scores.append(text_similarity(output, sent))
    return {"n": len(runs), "compared": len(scores), "agent_similarity": mean(scores)}


def _rollout(rows, outcomes) -> dict:
    """Live vs control (rollout mode 'share'): resolution time, CSAT and reopen rate per group."""
    groups = dict(RolloutAssignment.objects.filter(ticket_id__in=[r["id"] for r in rows])
                  .values_list("ticket_id", "group"))  # fmt: skip
    if not groups:
        return {}
    csat = dict(
        CsatSurvey.objects.filter(ticket_id__in=groups, rating__isnull=False).values_list(
            "ticket_id", "rating"
        )
    )
    reopened = set(
        TicketEvent.objects.filter(ticket_id__in=groups, field="status",
                                   before__in=[TicketStatus.SOLVED, TicketStatus.CLOSED],
                                   after__in=[TicketStatus.OPEN, TicketStatus.NEW]).values_list("ticket_id", flat=True)
    ) | set(Ticket.objects.filter(follow_up_of_id__in=groups).values_list("follow_up_of_id", flat=True))  # fmt: skip
    result = {}
    for group in (RolloutAssignment.Group.LIVE, RolloutAssignment.Group.CONTROL):
        members = [r for r in rows if groups.get(r["id"]) == group]
        ids = {r["id"] for r in members}
        result[group] = {
            "n": len(members),
            "resolution_h": percentile([_hours(r["created_at"], r["solved_at"]) for r in members], 0.5),
            "csat": mean([csat.get(i) for i in ids]),
            "reopen_rate": rate(len(ids & reopened), len(ids)),
        }
    return result


def review_figures(*, week: Week) -> dict:
    items = ReviewItem.objects.filter(week_start=week.start)
    grades = Counter(items.exclude(grade="").values_list("grade", flat=True))
    graded = sum(grades.values())
    correct = grades.get(ReviewItem.Grade.CORRECT, 0)
    interval = wilson(correct, graded)
    return {
        "sampled": items.count(),
        "graded": graded,
        "grades": {grade: grades.get(grade, 0) for grade in ReviewItem.Grade.values},
        "accuracy": rate(correct, graded),
        "ci95": list(interval) if interval else None,
    }


def _deltas(figures: dict, previous: dict | None) -> dict:
    """Week-over-week change of every rate (percentage points as fractions) and of the counts."""
    if not previous:
        return {}
    deltas = {}
    for key in ("conversations", "ai_answered", "deflected"):
        deltas[key] = figures[key] - (previous.get(key) or 0)
    for key, value in figures["rates"].items():
        before = (previous.get("rates") or {}).get(key)
        deltas[f"{key}_rate"] = round(value - before, 4) if value is not None and before is not None else None
    for key in ("csat_ai", "csat_human", "graded_accuracy", "ai_resolution_rate", "handoff_rate"):
        now_value, before = figures.get(key), previous.get(key)
        deltas[key] = round(now_value - before, 4) if now_value is not None and before is not None else None
    return deltas
