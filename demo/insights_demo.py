"""Demo data for Insights: a few questions the help center cannot answer (handed off, then answered
by an agent with real steps), theme runs for the last weeks of demo tickets, the knowledge gaps
found in them (with help-center searches several readers made and nobody clicked) and a draft article
written from the top gap. Built through the product's services;
call after the AI history (demo/ai_history.py) so the weeks hold tickets. Does nothing twice."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from ai.insights.drafting import gap_draft_article
from ai.insights.gaps import gaps_detect
from ai.insights.themes import themes_run
from ai.models import AIInteraction, KnowledgeGap, ThemeRun
from ai.services.handoff import ticket_handoff
from ai.services.interactions import interaction_record
from ai.tasks.insights import week_bounds
from demo.data.loader import _clock_at
from helpdesk.models import Agent, Customer, Message, TicketChannel
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.delivery import message_deliver, reply_send
from knowledge.models import HelpSearch
from knowledge.services.searches import search_record

WEEKS = 4
FRAME_QUESTIONS = [
    "How do I register my bike's frame number for theft insurance?",
    "Where do I enter the frame number so my bike is covered against theft?",
    "My bike insurance asks for the frame number registration - where is that in my account?",
]
FRAME_ANSWER = (
    "Hi, thanks for asking! You can register the frame number in your account:\n"
    "1. Sign in and open My bikes\n"
    "2. Choose the bike and enter the frame number (it is printed under the bottom bracket)\n"
    "3. Tick 'Theft insurance' and press Save\n"
    "The insurance confirmation arrives by email within a day.\n"
    "Best regards"
)
# (query, results found, readers) searched in the help center and never followed by a click
UNANSWERED_SEARCHES = [
    ("check my gift card balance", 0, 4),
    ("how to check gift card balance", 0, 3),
    ("rent a bike for the weekend", 2, 3),
    ("can I rent a bike", 2, 2),
]


def _searches(moment: dt.datetime) -> int:
    """Readers' searches without a click, recorded as the help center records them (redacted)."""
    count = 0
    for n, (query, results, readers) in enumerate(UNANSWERED_SEARCHES):
        for reader in range(readers):
            row = search_record(
                query=query, results_count=results, language="en", session_key=f"demo-reader-{n}-{reader}"
            )
            at = moment - dt.timedelta(hours=n * 7 + reader)
            HelpSearch.objects.filter(pk=row.pk).update(created_at=at, updated_at=at)
            count += 1
    return count


def _deliver(message: Message | None) -> None:
    if message is not None:
        message_deliver(message_id=message.pk)


def _handed_off_and_answered(moment: dt.datetime, customer: Customer, agent: Agent, question: str) -> None:
    with _clock_at(moment):
        received = conversation_receive(
            channel=TicketChannel.WEB, sender=customer, subject="Frame number", body_text=question
        )
        interaction = interaction_record(
            kind=AIInteraction.Kind.ANSWER, decision=AIInteraction.Decision.HANDED_OFF, ticket=received.ticket,
            message=received.message, redacted_input=question, reason="no_sources", confidence=0.0,
            mode="extractive", language="en", latency_ms=900,
        )  # fmt: skip
        _deliver(
            ticket_handoff(
                ticket=received.ticket, interaction=interaction, reason="no_sources", language="en"
            )
        )
    with _clock_at(moment + dt.timedelta(minutes=50)):
        _deliver(
            reply_send(
                ticket=received.ticket, author_kind="agent", author_agent=agent, body_text=FRAME_ANSWER
            )
        )


def load(now: dt.datetime | None = None) -> dict[str, int]:
    if ThemeRun.objects.exists() or KnowledgeGap.objects.exists():
        return {"theme_runs": 0, "gaps": 0, "drafts": 0}
    now = now or timezone.now()
    customers = list(Customer.objects.order_by("pk")[:3])
    agent = (
        Agent.objects.exclude(role=Agent.Role.ADMIN).order_by("pk").first()
        or Agent.objects.order_by("pk").first()
    )
    _start, last_end = week_bounds(now.date())
    pending = len(connection.run_on_commit)  # this history must not wake the live AI hooks
    if customers and agent is not None:
        for n, question in enumerate(FRAME_QUESTIONS):
            moment = last_end - dt.timedelta(days=5 - n, hours=3)
            _handed_off_and_answered(moment, customers[n % len(customers)], agent, question)
    del connection.run_on_commit[pending:]
    _searches(last_end - dt.timedelta(days=2))
    runs = 0
    for back in range(WEEKS - 1, -1, -1):
        end = last_end - dt.timedelta(days=7 * back)
        themes_run(period_start=end - dt.timedelta(days=7), period_end=end, use_model=False)
        runs += 1
    gaps = gaps_detect(period_start=last_end - dt.timedelta(days=7 * 8), period_end=now)
    drafts = 0
    answered = [g for g in gaps if g.answers and g.action == KnowledgeGap.Action.NEW]
    if answered:
        top = max(answered, key=lambda g: (g.signals.get("no_sources", 0), g.agent_minutes))
        gap_draft_article(gap=top, actor=agent.user if agent else None, use_model=False)
        drafts = 1
    return {"theme_runs": runs, "gaps": len(gaps), "drafts": drafts}
