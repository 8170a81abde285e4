"""Per-article figures for the knowledge base list: answers that cited it, readers who found it
helpful, and deflections (an AI answer citing it that no agent had to follow up, plus portal
visitors who read it as a suggestion and did not submit a ticket)."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Exists, OuterRef, Q

from ai.models import AIInteraction
from helpdesk.models import Message
from helpdesk.models.portal import Deflection
from knowledge.models import ArticleFeedback


def article_counts(article_ids: list[int]) -> dict[int, dict[str, int]]:
    ids = [int(a) for a in article_ids]
    out = {a: {"cited": 0, "helpful": 0, "deflected": 0} for a in ids}
    if not ids:
        return out
    cites = Q()
    for article_id in ids:
        cites |= Q(citations__contains=[{"article_id": article_id}])
    agent_reply = Message.objects.filter(
        ticket_id=OuterRef("ticket_id"), author_kind=Message.AuthorKind.AGENT, is_internal=False
    )
    answers = (
        AIInteraction.objects.filter(kind=AIInteraction.Kind.ANSWER, decision=AIInteraction.Decision.ANSWERED)
        .filter(cites)
        .annotate(human=Exists(agent_reply))
        .values_list("citations", "human")
    )
    cited, deflected = Counter(), Counter()
    for citations, human in answers:
        for article_id in {c.get("article_id") for c in citations or [] if isinstance(c, dict)} & set(ids):
            cited[article_id] += 1
            deflected[article_id] += 0 if human else 1
    helpful = dict(
        ArticleFeedback.objects.filter(article_id__in=ids, helpful=True)
        .values("article_id").annotate(n=Count("id")).values_list("article_id", "n")
    )  # fmt: skip
    portal = dict(
        Deflection.objects.filter(article_id__in=ids)
        .values("article_id")
        .annotate(n=Count("id"))
        .values_list("article_id", "n")
    )
    for a in ids:
        out[a] = {
            "cited": cited[a],
            "helpful": helpful.get(a, 0),
            "deflected": deflected[a] + portal.get(a, 0),
        }
    return out
