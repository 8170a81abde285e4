"""Reads for the accuracy review queue and AI test runs (desk pages under /desk/ai/)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.http import Http404

from ai.models import ReviewItem, TestRun
from helpdesk.models import Message, Ticket, TicketStatus
from helpdesk.selectors.access import ticket_access, visible_tickets
from knowledge.models import Article, Chunk


def review_weeks() -> list[dt.date]:
    return list(
        ReviewItem.objects.order_by("-week_start").values_list("week_start", flat=True).distinct()[:26]
    )


def review_queue(*, user, week_start: dt.date | None = None) -> QuerySet[ReviewItem]:
    """The week's sampled answers on tickets the user may see, ungraded first."""
    items = ReviewItem.objects.filter(interaction__ticket__in=visible_tickets(user=user))
    if week_start is not None:
        items = items.filter(week_start=week_start)
    return items.select_related("interaction__ticket", "graded_by__user").order_by(
        "-week_start", F("graded_at").asc(nulls_first=True), "id"
    )  # ungraded first


@dataclass
class ReviewPage:
    item: ReviewItem
    ticket: Ticket
    answer_text: str
    sources: list[dict]
    thread: list[Message]
    next_id: int | None


def review_page(*, user, item_id: int) -> ReviewPage:
    """The two-key grading page: the answer, its cited sources, the thread (permission-checked)."""
    item = ReviewItem.objects.select_related("interaction__reply_message").filter(pk=item_id).first()
    if item is None or item.interaction.ticket_id is None:
        raise Http404("No such review item.")
    ticket = ticket_access(user=user, ticket_id=item.interaction.ticket_id)
    interaction = item.interaction
    reply = interaction.reply_message
    citations = interaction.citations or []
    chunks = dict(
        Chunk.objects.filter(pk__in=[c.get("chunk_id") for c in citations]).values_list("pk", "text")
    )
    summaries = dict(
        Article.objects.filter(pk__in=[c.get("article_id") for c in citations]).values_list("pk", "summary")
    )  # shown when the cited passage is gone (the article was re-indexed since)
    sources = [
        {**c, "text": chunks.get(c.get("chunk_id")) or summaries.get(c.get("article_id"), "")}
        for c in citations
    ]
    thread = list(
        ticket.messages.filter(is_internal=False)
        .select_related("author_agent__user", "author_customer")
        .order_by("seq")
    )
    next_id = (
        review_queue(user=user, week_start=item.week_start)
        .filter(grade="").exclude(pk=item.pk).values_list("pk", flat=True).first()
    )  # fmt: skip
    return ReviewPage(
        item, ticket, reply.body_text if reply else interaction.output, sources, thread, next_id
    )


def sandbox_candidates(*, user, start: dt.date | None = None, end: dt.date | None = None,
                       topic_id: int | None = None, limit: int = 50) -> list[int]:  # fmt: skip
    """Solved or closed tickets the user may see, newest first, optionally in a date range and topic."""
    tickets = visible_tickets(user=user).filter(
        status__in=[TicketStatus.SOLVED, TicketStatus.CLOSED], merged_into__isnull=True
    )
    if start:
        tickets = tickets.filter(created_at__date__gte=start)
    if end:
        tickets = tickets.filter(created_at__date__lte=end)
    if topic_id:
        tickets = tickets.filter(Q(triage__topic_id=topic_id))
    return list(tickets.order_by("-created_at").values_list("pk", flat=True)[: max(1, min(limit, 200))])


def sandbox_run_get(*, run_id: int) -> TestRun:
    run = TestRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404("No such test run.")
    return run
