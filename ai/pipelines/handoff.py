"""Handoff rules: when a person, not the AI, should answer. Pure functions over a HandoffContext.

The admin's HandoffRule rows are evaluated in order; the first that matches wins and says why. They
run after retrieval and before generation (the score-based rule needs the retrieval result); low
answer confidence after generation is the pipeline's own last check (AISettings.confidence_threshold).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ai.guardrails.support import content_stems
from ai.models import HandoffRule
from ai.pipelines.triage.signals import analyse_sentiment
from core.business_time import BusinessCalendar
from helpdesk.models.sla import default_business_hours

DEFAULT_NEGATIVE_SCORE = -0.5
DEFAULT_MIN_COSINE = 0.3
DEFAULT_REPEAT_SIMILARITY = 0.85

# Asking for a person, in the configured languages. Admins add phrases in the rule's keywords.
_ASKS_FOR_HUMAN = re.compile(
    r"\b(?:(?:speak|talk|chat)\s+(?:to|with)\s+(?:a|an|some|your)?\s*(?:real\s+|actual\s+|live\s+)?"
    r"(?:human|person|agent|someone|somebody|representative|people|manager|supervisor)"
    r"|(?:real|actual|live)\s+(?:human|person|agent)|human\s+(?:please|agent|being)|(?:get|want|need)\s+(?:a|an)\s+"
    r"(?:human|person|real person)|(?:not|no)\s+(?:a\s+)?(?:bot|robot|ai|machine)"
    r"|(?:mit\s+)?(?:einem|einer)\s+(?:menschen|mitarbeiter(?:in)?|person)\s+(?:sprechen|reden)"
    r"|echte[nr]?\s+(?:menschen|mitarbeiter)|keinen?\s+(?:bot|roboter)"
    r"|parler\s+(?:à|a|avec)\s+(?:un|une|quelqu'un)\s*(?:humain|personne|conseiller|agent)?"
    r"|hablar\s+con\s+(?:una?\s+)?(?:persona|humano|agente|alguien))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class HandoffContext:
    text: str  # the customer's message (redacted)
    language: str = "en"
    sentiment_score: float | None = None  # -1..1; computed from the text when None
    top_cosine: float | None = None  # best retrieval similarity; None before retrieval
    previous_questions: Sequence[str] = ()  # the customer's earlier messages in this conversation
    now: dt.datetime | None = None


@dataclass(frozen=True)
class HandoffMatch:
    rule_id: int | None
    rule_name: str
    kind: str
    reason: str
    target_team_id: int | None = None
    customer_message: str = ""


Similarity = Callable[[str, Sequence[str]], list[float]]


def keyword_hit(text: str, keywords: Iterable[str]) -> str | None:
    folded = text.casefold()
    for keyword in keywords:
        pattern = rf"(?<!\w){re.escape(keyword.casefold())}(?!\w)"
        if re.search(pattern, folded):
            return keyword
    return None


def asks_for_human(text: str, extra_phrases: Iterable[str] = ()) -> str | None:
    match = _ASKS_FOR_HUMAN.search(text)
    if match:
        return match.group(0)
    return keyword_hit(text, extra_phrases)


def sentiment_of(context: HandoffContext) -> float:
    if context.sentiment_score is not None:
        return context.sentiment_score
    return analyse_sentiment(context.text, context.language).score


def lexical_similarity(text: str, others: Sequence[str]) -> list[float]:
    """Jaccard overlap of content stems: the fallback when no embedder is passed."""
    stems = content_stems(text)
    scores = []
    for other in others:
        other_stems = content_stems(other)
        union = stems | other_stems
        scores.append(len(stems & other_stems) / len(union) if union else 0.0)
    return scores


def embedding_similarity(embed: Callable[[list[str]], np.ndarray]) -> Similarity:
    def similarity(text: str, others: Sequence[str]) -> list[float]:
        if not others:
            return []
        vectors = embed([text, *others])
        return [float(value) for value in vectors[1:] @ vectors[0]]

    return similarity


def is_repeated(context: HandoffContext, min_similarity: float, similarity: Similarity) -> float | None:
    earlier = [question for question in context.previous_questions if len(content_stems(question)) >= 2]
    if len(content_stems(context.text)) < 2 or not earlier:
        return None
    best = max(similarity(context.text, earlier), default=0.0)
    return best if best >= min_similarity else None


def inside_business_hours(params: dict, now: dt.datetime) -> bool:
    calendar = BusinessCalendar(
        time_zone=params.get("time_zone") or "UTC", hours=params.get("hours") or default_business_hours()
    )
    local = now.astimezone(calendar.tz)
    return any(start <= local < end for start, end in calendar.intervals_on(local.date()))


def rule_reason(rule: HandoffRule, context: HandoffContext, similarity: Similarity) -> str | None:
    """Why ``rule`` matches ``context``, or None."""
    params = rule.params or {}
    kind = rule.kind
    if kind == HandoffRule.Kind.KEYWORD:
        hit = keyword_hit(context.text, rule.keyword_list)
        return f"keyword: {hit}" if hit else None
    if kind == HandoffRule.Kind.ASKS_FOR_HUMAN:
        hit = asks_for_human(context.text, rule.keyword_list)
        return f"asks for a person: {hit}" if hit else None
    if kind == HandoffRule.Kind.NEGATIVE_SENTIMENT:
        score = sentiment_of(context)
        limit = float(params.get("max_score", DEFAULT_NEGATIVE_SCORE))
        return f"negative sentiment {score:.2f}" if score <= limit else None
    if kind == HandoffRule.Kind.LOW_CONFIDENCE:
        if context.top_cosine is None:
            return None
        minimum = float(params.get("min_cosine", DEFAULT_MIN_COSINE))
        return f"low retrieval score {context.top_cosine:.2f}" if context.top_cosine < minimum else None
    if kind == HandoffRule.Kind.REPEATED_QUESTION:
        score = is_repeated(
            context, float(params.get("min_similarity", DEFAULT_REPEAT_SIMILARITY)), similarity
        )
        return f"same question asked again ({score:.2f})" if score is not None else None
    if kind == HandoffRule.Kind.BUSINESS_HOURS:
        now = context.now or dt.datetime.now(dt.UTC)
        inside = inside_business_hours(params, now)
        wanted = params.get("when", "outside")
        if (wanted == "inside") == inside:
            return "inside business hours" if inside else "outside business hours"
        return None
    return None


def first_matching_rule(
    rules: Iterable[HandoffRule], context: HandoffContext, *, similarity: Similarity | None = None
) -> HandoffMatch | None:
    similarity = similarity or lexical_similarity
    for rule in rules:
        if not rule.is_active:
            continue
        reason = rule_reason(rule, context, similarity)
        if reason:
            return HandoffMatch(
                rule_id=rule.pk,
                rule_name=rule.name,
                kind=rule.kind,
                reason=reason,
                target_team_id=rule.target_team_id,
                customer_message=rule.customer_message,
            )
    return None


def active_rules() -> list[HandoffRule]:
    return list(HandoffRule.objects.filter(is_active=True).order_by("position", "id"))
