"""Reply drafts on the ticket page: create (regenerate, restyle), and send as the agent's reply.

The sent text is stored next to the draft with a similarity ratio (1.0 = sent unchanged), whether
the agent used "Use draft" here or pasted it into the normal reply box (the agent_message_posted hook).
"""

from __future__ import annotations

import difflib

from django.db import transaction
from django.db.models import Q

from ai.models import AIDraft, AIInteraction
from ai.pipelines.draft import DraftInput, DraftResult, build_draft, extractive_draft
from ai.services.interactions import interaction_record, redaction_map_load, redaction_map_save
from core.errors import ApplicationError
from gateway.pii import RedactionError, Redactor
from helpdesk.models import Agent, Macro, Message, Ticket
from helpdesk.services.delivery import reply_send

HISTORY_TURNS = 8
MACRO_STYLE_CHARS = 600


def latest_customer_message(*, ticket: Ticket) -> Message | None:
    return (
        Message.objects.filter(ticket=ticket, author_kind=Message.AuthorKind.CUSTOMER)
        .order_by("-seq")
        .first()
    )


def draft_latest(*, ticket: Ticket) -> AIDraft | None:
    return (
        AIDraft.objects.filter(ticket=ticket)
        .select_related("source_message")
        .order_by("-created_at", "-id")
        .first()
    )


def macro_style(*, agent: Agent | None) -> str:
    macros = Macro.objects.filter(is_active=True)
    if agent is not None:
        macros = macros.filter(Q(team__isnull=True) | Q(team__in=agent.teams.all()))
    macro = macros.order_by("name").first()
    return macro.body[:MACRO_STYLE_CHARS] if macro else ""


def _first_name(customer) -> str:
    return (customer.name or "").split(" ")[0] if customer.name else ""


def draft_input_for(
    *, ticket: Ticket, message: Message, agent: Agent | None, variant: str, redactor: Redactor
) -> DraftInput:
    earlier = list(
        Message.objects.filter(ticket=ticket, seq__lt=message.seq, is_internal=False).order_by("-seq")[
            :HISTORY_TURNS
        ]
    )[::-1]
    history = [
        {
            "role": "user" if m.author_kind == "customer" else "assistant",
            "text": redactor.redact(
                m.body_text, source="customer" if m.author_kind == "customer" else "agent"
            ),
        }
        for m in earlier
        if m.body_text.strip()
    ]
    first_name = _first_name(ticket.requester)
    name_placeholder = (
        redactor.mapping.placeholder_for("PERSON", first_name, "customer") if first_name else ""
    )
    return DraftInput(
        question=redactor.redact(message.body_text, source="customer"),
        history=history,
        language=ticket.language or ticket.requester.language or "en",
        customer_first_name=name_placeholder,
        agent_name=agent.name if agent else "",
        signature=agent.signature if agent else "",
        macro_style=macro_style(agent=agent),
        variant=variant,
        redaction=redactor.mapping,
    )


def draft_create(
    *, ticket: Ticket, message: Message | None = None, agent: Agent | None = None, variant: str = "original"
) -> AIDraft:
    """A new draft for the latest (or given) customer message. The model runs outside any transaction."""
    if variant not in AIDraft.Variant.values:
        raise ApplicationError(f"Unknown draft variant: {variant}")
    message = message or latest_customer_message(ticket=ticket)
    if message is None:
        raise ApplicationError("There is no customer message to draft a reply to.")
    agent = agent or ticket.assignee
    mapping = redaction_map_load(ticket=ticket)
    redactor = Redactor(mapping)
    try:
        data = draft_input_for(
            ticket=ticket, message=message, agent=agent, variant=variant, redactor=redactor
        )
    except RedactionError:
        # The text may not leave; a holding reply with the greeting still saves the agent typing.
        data = DraftInput(question="", language=ticket.language or "en", agent_name=agent.name if agent else "",
                          signature=agent.signature if agent else "", variant=variant,
                          customer_first_name=_first_name(ticket.requester))  # fmt: skip
        result = DraftResult(text=extractive_draft("", data), citations=[], mode="extractive",
                             mode_reason="redaction_failed", language=data.language,
                             redacted_input="[withheld: redaction failed]")  # fmt: skip
        return _store(
            ticket=ticket, message=message, agent=agent, variant=variant, result=result, text=result.text
        )
    result = build_draft(data)
    return _store(
        ticket=ticket, message=message, agent=agent, variant=variant, result=result,
        text=mapping.restore(result.text), mapping=mapping,
    )  # fmt: skip


@transaction.atomic
def _store(*, ticket, message, agent, variant, result: DraftResult, text: str, mapping=None) -> AIDraft:
    if mapping is not None:
        redaction_map_save(ticket=ticket, mapping=mapping)
    interaction = interaction_record(
        kind=AIInteraction.Kind.DRAFT, decision=AIInteraction.Decision.DRAFTED, ticket=ticket, message=message,
        answer=result,
    )  # fmt: skip
    return AIDraft.objects.create(
        ticket=ticket, source_message=message, agent=agent, text=text, citations=result.citations,
        mode=result.mode, mode_reason=result.mode_reason[:40], variant=variant, interaction=interaction,
    )  # fmt: skip


def similarity(draft_text: str, sent_text: str) -> float:
    return round(
        difflib.SequenceMatcher(None, draft_text.strip(), sent_text.strip(), autojunk=False).ratio(), 4
    )


@transaction.atomic
def draft_send(*, draft: AIDraft, agent: Agent, text: str) -> Message:
    """Send the (edited) draft as the agent's public reply and keep what was sent next to the draft."""
    if draft.sent_message_id:
        raise ApplicationError("This draft was already sent.")
    if not text.strip():
        raise ApplicationError("A message needs some text.")
    message = reply_send(
        ticket=draft.ticket, author_kind=Message.AuthorKind.AGENT, author_agent=agent, body_text=text
    )
    draft_mark_sent(draft=draft, message=message)
    return message


@transaction.atomic
def draft_mark_sent(*, draft: AIDraft, message: Message) -> AIDraft:
    draft.sent_text = message.body_text
    draft.sent_message = message
    draft.edit_similarity = similarity(draft.text, message.body_text)
    draft.save(update_fields=["sent_text", "sent_message", "edit_similarity"])
    return draft


def draft_match_reply(*, ticket: Ticket, message: Message) -> AIDraft | None:
    """An agent's reply sent through the normal reply box: if it follows an unsent draft and resembles
    it, record it as that draft's sent text."""
    if message.author_kind != Message.AuthorKind.AGENT or message.is_internal:
        return None
    draft = (
        AIDraft.objects.filter(ticket=ticket, sent_message__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if draft is None or similarity(draft.text, message.body_text) < 0.3:
        return None
    return draft_mark_sent(draft=draft, message=message)
