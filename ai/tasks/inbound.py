"""The inbound task: what the AI does with a new customer message.

Registered on the "customer_message_posted" hook (after triage's hook), enqueued with django-q2 on
commit. Channel policy: chat and portal (web) customers get an answer or a handoff directly, email
customers too when AISettings.answer_email is on; otherwise, and once a person has taken over the
conversation, the agent gets a draft. Idempotent: an AIInteraction per message decides whether the
work was done, so a second run never posts a second reply.
"""

from __future__ import annotations

import logging

from ai.models import AIDraft, AIInteraction, AISettings, TicketTriage
from helpdesk.models import Message, Ticket, TicketChannel

logger = logging.getLogger(__name__)
AUTO_ANSWER_CHANNELS = {TicketChannel.CHAT, TicketChannel.WEB}


def person_took_over(ticket: Ticket) -> bool:
    """An agent replied, or the AI already handed off: the AI stays out of the conversation."""
    return (
        Message.objects.filter(ticket=ticket, author_kind=Message.AuthorKind.AGENT).exists()
        or AIInteraction.objects.filter(
            ticket=ticket,
            kind=AIInteraction.Kind.ANSWER,
            decision__in=[AIInteraction.Decision.HANDED_OFF, AIInteraction.Decision.BLOCKED],
        ).exists()
    )


def channel_policy(ticket: Ticket) -> str:
    """ "answer" (the AI replies or hands off) or "draft" (an agent replies with a draft's help)."""
    channels = set(AUTO_ANSWER_CHANNELS)
    if AISettings.load().answer_email:
        channels.add(TicketChannel.EMAIL)
    if ticket.channel not in channels or person_took_over(ticket):
        return "draft"
    return "answer"


def _ensure_triaged(ticket: Ticket, message: Message) -> None:
    """Routing and sentiment come from triage; on a first message its own task may not have run yet."""
    if TicketTriage.objects.filter(ticket=ticket).exists():
        return
    from ai.tasks.triage import triage_ticket

    try:
        triage_ticket(ticket.pk, None)
    except Exception:  # triage failing must not stop the answer
        logger.exception("triage before answering ticket %s failed", ticket.pk)


def handle_inbound(ticket_id: int, message_id: int) -> str:
    from ai.services.answers import inbound_answer
    from ai.services.drafts import draft_create

    message = Message.objects.select_related("ticket").filter(pk=message_id, ticket_id=ticket_id).first()
    if message is None or message.author_kind != Message.AuthorKind.CUSTOMER:
        return "skipped"
    ticket = message.ticket
    if AIInteraction.objects.filter(message=message, kind=AIInteraction.Kind.ANSWER).exists():
        return "done"
    if AIDraft.objects.filter(source_message=message).exists():
        return "done"
    _ensure_triaged(ticket, message)
    ticket.refresh_from_db()
    if channel_policy(ticket) == "answer":
        interaction = inbound_answer(ticket=ticket, message=message)
        if interaction.decision == AIInteraction.Decision.HANDED_OFF:
            _draft_quietly(ticket, message, draft_create)
        return interaction.decision
    _draft_quietly(ticket, message, draft_create)
    return "drafted"


def _draft_quietly(ticket: Ticket, message: Message, draft_create) -> None:
    try:
        draft_create(ticket=ticket, message=message)
    except Exception:  # the draft is a convenience for the agent: its failure loses nothing
        logger.exception("draft for message %s failed", message.pk)


def refresh_summary(ticket_id: int) -> str | None:
    from ai.services.summaries import ticket_summary_refresh

    ticket = Ticket.objects.filter(pk=ticket_id).first()
    return ticket_summary_refresh(ticket=ticket) if ticket else None


# --- hooks (registered in AiConfig.ready) ----------------------------------------------------------
def inbound_enabled() -> bool:
    """HELMDESK_AI_INBOUND (default on): off, customer messages get no AI answer, draft or summary."""
    from django.conf import settings

    return bool(getattr(settings, "HELMDESK_AI_INBOUND", True))


def on_customer_message_posted(*, ticket: Ticket, message: Message, **_kwargs) -> None:
    from django_q.tasks import async_task

    if not inbound_enabled():
        return

    async_task("ai.tasks.inbound.handle_inbound", ticket.pk, message.pk, task_name=f"inbound-{message.pk}")
    on_thread_grew(ticket=ticket, message=message)


def on_thread_grew(*, ticket: Ticket, message: Message, **_kwargs) -> None:
    from django_q.tasks import async_task

    from ai.pipelines.summary import MIN_MESSAGES

    if inbound_enabled() and message.seq >= MIN_MESSAGES:
        async_task(
            "ai.tasks.inbound.refresh_summary", ticket.pk, task_name=f"summary-{ticket.pk}-{message.seq}"
        )


def on_agent_message_posted(*, ticket: Ticket, message: Message, **_kwargs) -> None:
    from ai.services.drafts import draft_match_reply

    if not inbound_enabled():
        return
    draft_match_reply(ticket=ticket, message=message)
    on_thread_grew(ticket=ticket, message=message)
