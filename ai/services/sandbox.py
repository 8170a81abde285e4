"""The AI answering without consequences: shadow answers on live conversations (recorded privately,
never sent) and AI test runs over solved tickets (answer vs. the agent's actual reply, side by side).

Nothing here posts a message, changes a ticket or saves the ticket's redaction map: the pipeline runs
on copies and only AIInteraction (kind "shadow") or TestRun rows are written."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.tasks import async_task

from ai.models import AIInteraction, ReviewItem, TestRun, TestRunItem
from ai.pipelines.answer import ANSWERED, BLOCKED, Answer, answer_question
from ai.services.answers import answer_request_for
from ai.services.drafts import similarity
from ai.services.interactions import interaction_record, redaction_map_load
from core.errors import ApplicationError
from helpdesk.models import Agent, Message, Ticket, TicketStatus

logger = logging.getLogger(__name__)
DECISIONS = {ANSWERED: AIInteraction.Decision.ANSWERED, BLOCKED: AIInteraction.Decision.BLOCKED}
MAX_TEST_TICKETS = 200


def answer_preview(*, ticket: Ticket, message: Message) -> Answer:
    """What the AI would answer to `message` now (the redaction map is loaded, never saved)."""
    mapping = redaction_map_load(ticket=ticket)
    return answer_question(answer_request_for(ticket=ticket, message=message, redaction=mapping))


def shadow_answer(*, ticket: Ticket, message: Message) -> AIInteraction | None:
    """Shadow mode: answer privately and record it (kind "shadow"); the weekly report compares it
    with what the agent sent. Idempotent per message."""
    existing = AIInteraction.objects.filter(kind=AIInteraction.Kind.SHADOW, message=message).first()
    if existing is not None:
        return existing
    try:
        answer = answer_preview(ticket=ticket, message=message)
    except Exception:  # a shadow answer is a measurement: its failure loses nothing
        logger.exception("shadow answer for message %s failed", message.pk)
        return None
    decision = DECISIONS.get(answer.decision, AIInteraction.Decision.HANDED_OFF)
    return interaction_record(
        kind=AIInteraction.Kind.SHADOW, decision=decision, ticket=ticket, message=message, answer=answer
    )


def first_customer_message(ticket: Ticket) -> Message | None:
    return (
        ticket.messages.filter(author_kind=Message.AuthorKind.CUSTOMER, is_internal=False)
        .order_by("seq")
        .first()
    )


def agent_reply_after(message: Message) -> Message | None:
    return (
        Message.objects.filter(
            ticket_id=message.ticket_id,
            seq__gt=message.seq,
            author_kind=Message.AuthorKind.AGENT,
            is_internal=False,
        )
        .order_by("seq")
        .first()
    )


def sandbox_run_create(*, name: str, ticket_ids: list[int], agent: Agent | None = None,
                       repeat_of: TestRun | None = None) -> TestRun:  # fmt: skip
    """Store the run and queue it (the task answers each ticket's first customer message in a sandbox)."""
    ids = list(
        Ticket.objects.filter(pk__in=list(ticket_ids)[:MAX_TEST_TICKETS], status__in=[TicketStatus.SOLVED, TicketStatus.CLOSED])
        .order_by("pk").values_list("pk", flat=True)
    )  # fmt: skip
    if not ids:
        raise ApplicationError("Pick at least one solved or closed ticket.")
    with transaction.atomic():
        run = TestRun.objects.create(name=name.strip()[:120] or "Test run", ticket_ids=ids,
                                     created_by=agent, repeat_of=repeat_of)  # fmt: skip
        transaction.on_commit(
            lambda: async_task(
                "ai.tasks.weekly.sandbox_run_execute", run.pk, task_name=f"ai-test-run-{run.pk}"
            )
        )
    return run


def sandbox_run_execute(*, run: TestRun) -> TestRun:
    """Answer every ticket of the run not answered yet (idempotent: a retried task adds the rest)."""
    done = set(run.items.values_list("ticket_id", flat=True))
    for ticket in (
        Ticket.objects.filter(pk__in=run.ticket_ids).exclude(pk__in=done).select_related("requester")
    ):
        _sandbox_item(run, ticket)
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run


def sandbox_run_repeat(*, run: TestRun, agent: Agent | None = None) -> TestRun:
    """The same tickets again (after knowledge-base edits), to compare."""
    return sandbox_run_create(
        name=f"{run.name} (again)", ticket_ids=run.ticket_ids, agent=agent, repeat_of=run
    )


def _sandbox_item(run: TestRun, ticket: Ticket) -> TestRunItem | None:
    message = first_customer_message(ticket)
    if message is None:
        return None
    try:
        answer = answer_preview(ticket=ticket, message=message)
    except Exception as error:
        logger.exception("test run %s: ticket %s failed", run.pk, ticket.pk)
        answer = Answer(text="", citations=[], confidence=0.0, decision="handed_off",
                        reason=f"pipeline_error: {type(error).__name__}", language="", mode="")  # fmt: skip
    reply = agent_reply_after(message)
    shown = answer.redacted_output or answer.text
    try:
        with transaction.atomic():
            return TestRunItem.objects.create(
                run=run, ticket=ticket, question=answer.redacted_input[:4000], answer=shown,
                citations=answer.citations, decision=DECISIONS.get(answer.decision, AIInteraction.Decision.HANDED_OFF),
                reason=(answer.reason or "")[:300], confidence=answer.confidence,
                agent_reply=reply.body_text if reply else "",
                similarity=similarity(shown, reply.body_text) if reply and shown else None,
            )  # fmt: skip
    except IntegrityError:
        return None


@transaction.atomic
def sandbox_item_grade(*, item: TestRunItem, grade: str) -> TestRunItem:
    if grade not in ReviewItem.Grade.values:
        raise ApplicationError("Unknown grade.")
    item.grade = grade
    item.save(update_fields=["grade"])
    return item
