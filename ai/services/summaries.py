"""Ticket summaries: refreshed when the thread grows past a few messages, stored in Ticket.ai_summary."""

from __future__ import annotations

from django.db import transaction

from ai.models import AIInteraction
from ai.pipelines.summary import MIN_MESSAGES, SummaryResult, ThreadMessage, extractive_summary, summarize
from ai.services.interactions import interaction_record, redaction_map_load, redaction_map_save
from gateway.pii import RedactionError, Redactor
from helpdesk.models import Message, Ticket

# Our own handoff notes would otherwise be summarised into the next summary.
AI_NOTE_PREFIX = "AI handoff"


def summary_thread(*, ticket: Ticket) -> list[Message]:
    return [
        message
        for message in Message.objects.filter(ticket=ticket).order_by("seq")
        if message.body_text.strip() and not (message.author_kind == "ai" and message.is_internal)
    ]


def ticket_summary_refresh(*, ticket: Ticket, force: bool = False) -> str | None:
    """Summarise the thread (idempotent per last message). None when the thread is still short."""
    messages = summary_thread(ticket=ticket)
    if not messages or (len(messages) < MIN_MESSAGES and not force):
        return None
    last = messages[-1]
    if not force and AIInteraction.objects.filter(kind=AIInteraction.Kind.SUMMARY, message=last).exists():
        return ticket.ai_summary
    language = ticket.language or ticket.requester.language or "en"
    mapping = redaction_map_load(ticket=ticket)
    redactor = Redactor(mapping)
    try:
        redacted = [
            ThreadMessage(
                m.author_kind,
                redactor.redact(m.body_text, source="customer" if m.author_kind == "customer" else "agent"),
            )
            for m in messages
        ]
    except RedactionError:
        # Nothing may leave for a model, but a quoted summary never leaves the process.
        raw = [ThreadMessage(m.author_kind, m.body_text) for m in messages]
        result = SummaryResult(
            text=extractive_summary(raw, language=language), mode="extractive", mode_reason="redaction_failed",
            language=language, redacted_input="[withheld: redaction failed]",
        )  # fmt: skip
        return _store(ticket=ticket, last=last, result=result, text=result.text, mapping=None)
    result = summarize(redacted, language=language, redaction=mapping)
    return _store(ticket=ticket, last=last, result=result, text=mapping.restore(result.text), mapping=mapping)


@transaction.atomic
def _store(*, ticket: Ticket, last: Message, result: SummaryResult, text: str, mapping) -> str:
    if mapping is not None:
        redaction_map_save(ticket=ticket, mapping=mapping)
    Ticket.objects.filter(pk=ticket.pk).update(ai_summary=text)
    ticket.ai_summary = text
    interaction_record(
        kind=AIInteraction.Kind.SUMMARY, decision=AIInteraction.Decision.SUMMARISED, ticket=ticket, message=last,
        answer=result,
    )  # fmt: skip
    return text
