"""Recording what the AI did (AIInteraction), agents' flags on it, and the per-ticket redaction map."""

from __future__ import annotations

from django.db import transaction

from ai.models import AIFlag, AIInteraction, TicketRedaction
from core.errors import ApplicationError
from gateway.pii import RedactionMap, redact_for_log
from helpdesk.models import Agent, Message, Ticket


def redaction_map_load(*, ticket: Ticket) -> RedactionMap:
    row = TicketRedaction.objects.filter(ticket=ticket).first()
    return RedactionMap.from_dict(row.mapping if row else None)


@transaction.atomic
def redaction_map_save(*, ticket: Ticket, mapping: RedactionMap) -> None:
    if not len(mapping):
        return
    TicketRedaction.objects.update_or_create(ticket=ticket, defaults={"mapping": mapping.to_dict()})


@transaction.atomic
def interaction_record(
    *,
    kind: str,
    decision: str,
    ticket: Ticket | None = None,
    message: Message | None = None,
    answer=None,
    **fields,
) -> AIInteraction:
    """One row per AI run. ``answer`` (ai.pipelines.answer.Answer or a draft/summary result) fills the
    common fields; ``fields`` override them. Input is stored redacted only."""
    values: dict = {}
    if answer is not None:
        values = {
            "redacted_input": answer.redacted_input,
            "output": getattr(answer, "redacted_output", "") or "",
            "citations": answer.citations,
            "confidence": getattr(answer, "confidence", None),
            "reason": (answer.reason or "")[:300],
            "mode": answer.mode,
            "mode_reason": (answer.mode_reason or "")[:40],
            "language": answer.language,
            "model": answer.model,
            "prompt_version": answer.prompt_version,
            "latency_ms": answer.latency_ms,
            "stage_ms": answer.stage_ms,
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
            "problems": list(answer.problems),
        }
    values.update(fields)
    if "redacted_input" not in values and message is not None:
        values["redacted_input"] = redact_for_log(message.body_text)
    return AIInteraction.objects.create(
        kind=kind, decision=decision, ticket=ticket, message=message, **values
    )


@transaction.atomic
def ai_flag_create(*, agent: Agent, kind: str, message: Message | None = None, comment: str = "") -> AIFlag:
    """An agent flags an AI message as incorrect / incomplete / outdated / inappropriate."""
    if kind not in AIFlag.Kind.values:
        raise ApplicationError(f"Unknown flag kind: {kind}")
    if message is None or message.author_kind != Message.AuthorKind.AI:
        raise ApplicationError("Only AI messages can be flagged.")
    interaction = AIInteraction.objects.filter(reply_message=message).first()
    return AIFlag.objects.create(
        interaction=interaction, message=message, agent=agent, kind=kind, comment=comment.strip()[:2000]
    )
