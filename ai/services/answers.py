"""Answering a customer message on the ticket: run the pipeline, then reply or hand off, and record it."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from ai.models import AIInteraction, TicketTriage
from ai.pipelines.answer import ANSWERED, BLOCKED, CUSTOMER_SOURCE, Answer, AnswerRequest, answer_question
from ai.services.handoff import ticket_handoff
from ai.services.interactions import interaction_record, redaction_map_load, redaction_map_save
from ai.services.redaction_cache import conversation_analyses
from chat.services.streaming import answer_stream_open
from gateway.pii import Redactor
from helpdesk.models import Message, Ticket, TicketChannel
from helpdesk.services.delivery import reply_send

logger = logging.getLogger(__name__)
HISTORY_TURNS = 8


def answer_request_for(*, ticket: Ticket, message: Message, redaction=None) -> AnswerRequest:
    """The pipeline's input for ``message``: the public thread before it, the known language, triage's sentiment."""
    earlier = list(
        Message.objects.filter(ticket=ticket, seq__lt=message.seq, is_internal=False).order_by("-seq")[
            :HISTORY_TURNS
        ]
    )[::-1]
    history = [
        {"role": "user" if m.author_kind == "customer" else "assistant", "text": m.body_text}
        for m in earlier
        if m.body_text.strip()
    ]
    triage = TicketTriage.objects.filter(ticket=ticket).first()
    sentiment = triage.sentiment_score if triage and triage.message_id == message.pk else None
    is_email = ticket.channel == TicketChannel.EMAIL
    return AnswerRequest(
        question=message.body_text,
        history=history,
        known_language=ticket.requester.language or ticket.language,
        redaction=redaction,
        previous_questions=[turn["text"] for turn in history if turn["role"] == "user"],
        sentiment_score=sentiment,
        html=message.body_html if is_email else None,
        channel_tag="email" if is_email else "customer_message",
    )


def answer_existing(*, message: Message) -> AIInteraction | None:
    return AIInteraction.objects.filter(kind=AIInteraction.Kind.ANSWER, message=message).first()


def inbound_answer(*, ticket: Ticket, message: Message) -> AIInteraction:
    """Answer or hand off (idempotent: a message already answered returns its interaction)."""
    existing = answer_existing(message=message)
    if existing is not None:
        return existing
    mapping = redaction_map_load(ticket=ticket)
    request = answer_request_for(ticket=ticket, message=message, redaction=mapping)
    stream = _chat_stream(ticket=ticket, message=message, mapping=mapping)
    request.on_delta = stream.feed if stream else None
    try:
        with conversation_analyses(ticket=ticket, message=message):  # each turn's PII analysis, once ever
            answer = answer_question(request)
    except Exception as error:  # the customer must never be left without an answer or a person
        logger.exception("answer pipeline failed for message %s", message.pk)
        answer = Answer(text="", citations=[], confidence=0.0, decision="handed_off",
                        reason=f"pipeline_error: {type(error).__name__}", language=ticket.language or "en",
                        mode="extractive", redacted_input="[withheld: pipeline failed]")  # fmt: skip
    try:
        return answer_apply(ticket=ticket, message=message, answer=answer, mapping=mapping)
    except IntegrityError:  # a concurrent run recorded this message first
        return answer_existing(message=message)
    finally:
        if stream is not None:
            stream.end(shown=answer.decision == ANSWERED)


def _chat_stream(*, ticket: Ticket, message: Message, mapping):
    """A live chat gets the model's words as they are written (placeholders filled with what the
    customer gave, as in the final answer); the checked answer then replaces them."""
    if ticket.channel != TicketChannel.CHAT:
        return None
    restorer = Redactor(mapping)
    return answer_stream_open(
        ticket_id=ticket.pk, after_seq=message.seq,
        transform=lambda text: restorer.restore(text, sources=[CUSTOMER_SOURCE]),
    )  # fmt: skip


@transaction.atomic
def answer_apply(*, ticket: Ticket, message: Message, answer: Answer, mapping=None) -> AIInteraction:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    existing = answer_existing(message=message)
    if existing is not None:
        return existing
    if mapping is not None:
        redaction_map_save(ticket=ticket, mapping=mapping)
    decision = {ANSWERED: AIInteraction.Decision.ANSWERED, BLOCKED: AIInteraction.Decision.BLOCKED}.get(
        answer.decision, AIInteraction.Decision.HANDED_OFF
    )
    interaction = interaction_record(
        kind=AIInteraction.Kind.ANSWER, decision=decision, ticket=ticket, message=message, answer=answer
    )
    if answer.decision == ANSWERED:
        reply = reply_send(
            ticket=ticket, author_kind=Message.AuthorKind.AI, body_text=answer.text,
            citations=answer.citations, ai_mode=answer.mode,
        )  # fmt: skip
        interaction.reply_message = reply
        interaction.save(update_fields=["reply_message"])
        return interaction
    rule = answer.handoff
    ticket_handoff(
        ticket=ticket, interaction=interaction, reason=answer.reason, language=answer.language,
        rule_team_id=rule.target_team_id if rule else None, customer_message=rule.customer_message if rule else "",
    )  # fmt: skip
    return interaction
