"""Knowledge gaps: what customers asked that the help center could not answer.

Signals (in the period): questions the AI handed off because the knowledge base had nothing or too
little ("no_sources", "low_confidence"), with the agent reply that then answered each; "not helpful"
feedback on articles (the comment, or the article's title); and help-center searches that found
nothing ("search_no_results") or whose results no one opened within the session
("search_no_click"), one signal per normalised query, counted, when at least SEARCH_MIN_VISITORS
different readers made it (one reader's unanswered search is as often a typo as a gap).

Questions are embedded and grouped (scikit-learn's agglomerative clustering, average linkage on
cosine distance with a fixed threshold: gaps are usually few and small, so no K to choose); each
group is matched to the gaps already known (centroid similarity), so a gap keeps its draft, its
article and its status. Ranked by estimated agent minutes, then volume. Every stored question and
answer is redacted (gateway.pii) first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db import transaction
from sklearn.cluster import AgglomerativeClustering

from ai.insights.clustering import l2
from ai.insights.matching import match
from ai.insights.naming import key_phrases, label_from_phrases
from ai.insights.vectors import from_bytes, to_bytes
from ai.models import AIInteraction, KnowledgeGap
from gateway.embeddings import get_embedder
from gateway.pii import RedactionError, redact
from helpdesk.models import Message
from knowledge.models import ArticleFeedback, ArticleStatus
from knowledge.selectors.search import is_relevant, search
from knowledge.selectors.searches import unanswered_searches

GAP_REASONS = ("no_sources", "low_confidence", "weak_sources")
GAP_DISTANCE = 0.45  # cosine distance under which two questions are the same gap
GAP_MATCH = 0.8
# Agent time is not tracked: an estimate per answering reply, documented as such in the report.
MINUTES_PER_REPLY, WORDS_PER_MINUTE = 3.0, 30.0
SEARCH_MIN_VISITORS = 2


@dataclass
class Signal:
    kind: str  # no_sources | low_confidence | weak_sources | negative_feedback | search_no_*
    text: str
    ticket_id: int | None = None
    ticket_number: int | None = None
    answer: str = ""
    answer_message_id: int | None = None
    article_id: int | None = None
    count: int = 1  # searches: how many times the query went unanswered
    key: str = ""  # what makes a signal the same one on a second detection

    def __post_init__(self):
        if not self.key and self.ticket_id is not None:
            self.key = f"t{self.ticket_id}"


@dataclass
class Group:
    signals: list[Signal] = field(default_factory=list)
    centroid: np.ndarray | None = None


def safe(text: str) -> str:
    try:
        return redact(text or "")
    except RedactionError:
        return ""


def gap_reason(reason: str) -> str:
    """no_sources | low_confidence | weak_sources (the low-retrieval-score handoff rule) | other."""
    if reason.startswith("rule: low retrieval score"):
        return "weak_sources"
    return reason.split(":")[0].split(" ")[0]


def handoff_signals(start: datetime, end: datetime) -> list[Signal]:
    rows = (
        AIInteraction.objects.filter(
            kind=AIInteraction.Kind.ANSWER, decision=AIInteraction.Decision.HANDED_OFF,
            created_at__gte=start, created_at__lt=end, message__isnull=False,
        )
        .select_related("message", "ticket")
        .order_by("created_at", "id")
    )  # fmt: skip
    signals = []
    for row in rows:
        kind = gap_reason(row.reason)
        if kind not in GAP_REASONS:
            continue
        reply = (
            Message.objects.filter(
                ticket_id=row.ticket_id,
                author_kind=Message.AuthorKind.AGENT,
                is_internal=False,
                seq__gt=row.message.seq,
            )
            .order_by("seq")
            .first()
        )
        signals.append(
            Signal(
                kind=kind, text=row.message.body_text, ticket_id=row.ticket_id, ticket_number=row.ticket.number,
                answer=reply.body_text if reply else "", answer_message_id=reply.pk if reply else None,
            )
        )  # fmt: skip
    return signals


def feedback_signals(start: datetime, end: datetime) -> list[Signal]:
    rows = ArticleFeedback.objects.filter(
        helpful=False, created_at__gte=start, created_at__lt=end
    ).select_related("article")
    return [
        Signal(
            kind="negative_feedback", text=row.comment.strip() or row.article.title, article_id=row.article_id,
            key=f"f{row.pk}",
        )
        for row in rows.order_by("created_at", "id")
    ]  # fmt: skip


def search_signals(start: datetime, end: datetime) -> list[Signal]:
    """Unanswered help-center searches of the period (already redacted when recorded)."""
    return [
        Signal(kind=row.kind, text=row.query, count=row.searches, key=f"s{row.normalized}@{start:%Y-%m-%d}")
        for row in unanswered_searches(start=start, end=end)
        if row.visitors >= SEARCH_MIN_VISITORS
    ]


def group_signals(signals: list[Signal], vectors: np.ndarray) -> list[Group]:
    if not signals:
        return []
    if len(signals) == 1:
        labels = np.zeros(1, dtype=int)
    else:
        labels = AgglomerativeClustering(
            n_clusters=None, distance_threshold=GAP_DISTANCE, metric="cosine", linkage="average"
        ).fit_predict(vectors)
    groups = []
    for label in sorted(set(labels.tolist())):
        index = np.flatnonzero(labels == label)
        groups.append(Group(signals=[signals[i] for i in index], centroid=l2(vectors[index].mean(axis=0))))
    return groups


def minutes(signals: list[Signal]) -> float:
    return round(
        sum(MINUTES_PER_REPLY + len(s.answer.split()) / WORDS_PER_MINUTE for s in signals if s.answer), 1
    )


def nearest(question: str, feedback_article: int | None) -> tuple[int | None, float | None, bool]:
    """(article id, similarity, relevant?) by the help center's own hybrid search."""
    hits = search(question, k=3, audience="public")
    if feedback_article is not None:
        return feedback_article, (hits[0].vector_score if hits else None), True
    if not hits:
        return None, None, False
    return hits[0].article_id, hits[0].vector_score, is_relevant(hits[0])


def gaps_detect(*, period_start: datetime, period_end: datetime) -> list[KnowledgeGap]:
    """Find this period's gaps and merge them into the known ones; returns the gaps touched."""
    signals = (
        handoff_signals(period_start, period_end)
        + feedback_signals(period_start, period_end)
        + search_signals(period_start, period_end)
    )
    signals = [s for s in signals if s.text.strip()]
    for s in signals:
        s.text, s.answer = safe(s.text), safe(s.answer)
    signals = [s for s in signals if s.text]
    vectors = get_embedder().embed_documents([s.text for s in signals]) if signals else np.zeros((0, 512))
    groups = group_signals(signals, l2(vectors) if len(signals) else vectors)
    phrases = key_phrases([[s.text for s in g.signals] for g in groups])
    near = []
    for group in groups:
        central = max(group.signals, key=lambda s: float(get_text_score(s, group, signals, vectors)))
        feedback_article = next((s.article_id for s in group.signals if s.article_id), None)
        near.append(nearest(central.text, feedback_article))
    return _record(groups, phrases, near)


def get_text_score(signal: Signal, group: Group, signals: list[Signal], vectors: np.ndarray) -> float:
    return float(l2(vectors[signals.index(signal)]) @ group.centroid)


@transaction.atomic
def _record(groups: list[Group], phrases: list[list[str]], near: list) -> list[KnowledgeGap]:
    known = list(KnowledgeGap.objects.select_for_update().order_by("id"))
    pairs = match(
        np.stack([g.centroid for g in groups]) if groups else np.zeros((0, 512)),
        np.stack([from_bytes(g.centroid) for g in known]) if known else np.zeros((0, 512)),
        threshold=GAP_MATCH,
    )
    touched = []
    for index, group in enumerate(groups):
        gap = (
            known[pairs[index][0]]
            if index in pairs
            else KnowledgeGap(title=label_from_phrases(phrases[index])[:200])
        )
        seen_tickets = set(gap.ticket_ids or [])
        known_keys = {
            q.get("key") or (f"t{q['ticket']}" if q.get("ticket") else "") for q in gap.questions or []
        }
        fresh = [
            s
            for s in group.signals
            if (s.ticket_id is None or s.ticket_id not in seen_tickets)
            and (not s.key or s.key not in known_keys)
        ]
        _recount(
            gap, [s for s in group.signals if s.key and s.key in known_keys and s.kind.startswith("search")]
        )
        gap.questions = (gap.questions or []) + [
            {
                "ticket": s.ticket_id, "number": s.ticket_number, "text": s.text[:1000], "signal": s.kind,
                "count": s.count, "key": s.key,
            }
            for s in fresh
        ]  # fmt: skip
        gap.answers = (gap.answers or []) + [
            {
                "ticket": s.ticket_id,
                "number": s.ticket_number,
                "message": s.answer_message_id,
                "text": s.answer[:4000],
            }
            for s in fresh
            if s.answer
        ]
        gap.ticket_ids = sorted(seen_tickets | {s.ticket_id for s in fresh if s.ticket_id})
        gap.volume = sum(int(q.get("count") or 1) for q in gap.questions)
        gap.agent_minutes = round((gap.agent_minutes or 0) + minutes(fresh), 1)
        counts = dict(gap.signals or {})
        for s in fresh:
            counts[s.kind] = counts.get(s.kind, 0) + s.count
        gap.signals = counts
        old = from_bytes(gap.centroid) if gap.centroid else group.centroid
        gap.centroid = to_bytes(l2(old + group.centroid))
        article_id, score, relevant = near[index]
        gap.nearest_article_id, gap.nearest_score = (article_id, score) if relevant else (None, score)
        gap.action = KnowledgeGap.Action.UPDATE if relevant else KnowledgeGap.Action.NEW
        gap.save()
        touched.append(gap)
    gaps_sync_published()
    return touched


def _recount(gap: KnowledgeGap, again: list[Signal]) -> None:
    """A search already recorded for this period, seen again: its count is the new one, not a sum."""
    for signal in again:
        for question in gap.questions:
            if question.get("key") == signal.key:
                extra = signal.count - int(question.get("count") or 1)
                question["count"] = signal.count
                counts = dict(gap.signals or {})
                counts[signal.kind] = counts.get(signal.kind, 0) + extra
                gap.signals = counts


@transaction.atomic
def gaps_sync_published() -> int:
    """A gap whose drafted article is now published is closed, with the publication time kept."""
    changed = 0
    drafted = KnowledgeGap.objects.filter(status=KnowledgeGap.Status.DRAFTED, article__isnull=False)
    # an "update" gap whose proposed section the editor has not saved yet stays open for it
    for gap in drafted.filter(proposal_md="").select_related("article"):
        if gap.article.status == ArticleStatus.PUBLISHED:
            gap.status, gap.published_at = KnowledgeGap.Status.PUBLISHED, gap.article.published_at
            gap.save(update_fields=["status", "published_at", "updated_at"])
            changed += 1
    return changed
