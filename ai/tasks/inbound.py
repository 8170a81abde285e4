"""The inbound task: what the AI does with a new customer message.

Registered on the "customer_message_posted" hook (after triage's hook), enqueued with django-q2 on
commit. The channel policy (ai.selectors.inbound.channel_policy) says whether the customer gets an
answer or a handoff directly, or the agent gets a draft. Idempotent: an AIInteraction (or a draft)
per message decides whether the work was done, so a second run never posts a second reply.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django_q.tasks import async_task

from ai.models import AIInteraction
from ai.pipelines.summary import MIN_MESSAGES
from ai.selectors.inbound import ANSWER, OFF, SHADOW, channel_policy, customer_message_get, inbound_handled
from ai.selectors.rollout import rollout_decide
from ai.selectors.triage import ticket_is_triaged
from ai.services.answers import inbound_answer
from ai.services.drafts import draft_create, draft_match_reply
from ai.services.rollout import rollout_assignment_record
from ai.services.sandbox import shadow_answer
from ai.services.summaries import ticket_summary_refresh
from ai.tasks.triage import triage_ticket
from helpdesk.extensions import answer_claimed
from helpdesk.models import Message, Ticket

logger = logging.getLogger(__name__)


def _ensure_triaged(ticket: Ticket) -> None:
    """Routing and sentiment come from triage; on a first message its own task may not have run yet."""
    if ticket_is_triaged(ticket=ticket):
        return
    try:
        triage_ticket(ticket.pk, None)
    except Exception:  # triage failing must not stop the answer
        logger.exception("triage before answering ticket %s failed", ticket.pk)


def handle_inbound(ticket_id: int, message_id: int) -> str:
    message = customer_message_get(ticket_id=ticket_id, message_id=message_id)
    if message is None:
        return "skipped"
    if inbound_handled(message=message):
        return "done"
    ticket = message.ticket
    _ensure_triaged(ticket)
    ticket.refresh_from_db()
    rollout_assignment_record(ticket=ticket, decision=rollout_decide(ticket=ticket))
    policy = channel_policy(ticket=ticket)
    if policy == OFF:
        return "off"
    if policy == ANSWER and answer_claimed(ticket=ticket):
        return "claimed"  # answered elsewhere (an incident note): one reply, not two
    if policy == ANSWER:
        interaction = inbound_answer(ticket=ticket, message=message)
        if interaction.decision == AIInteraction.Decision.HANDED_OFF:
            _draft_quietly(ticket, message)
        return interaction.decision
    if policy == SHADOW:
        shadow_answer(ticket=ticket, message=message)
        _draft_quietly(ticket, message)
        return "shadow"
    _draft_quietly(ticket, message)
    return "drafted"


def _draft_quietly(ticket: Ticket, message: Message) -> None:
    try:
        draft_create(ticket=ticket, message=message)
    except Exception:  # the draft is a convenience for the agent: its failure loses nothing
        logger.exception("draft for message %s failed", message.pk)


def refresh_summary(ticket_id: int) -> str | None:
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    return ticket_summary_refresh(ticket=ticket) if ticket else None


# --- hooks (registered in AiConfig.ready) ----------------------------------------------------------
def inbound_enabled() -> bool:
    """HELMDESK_AI_INBOUND (default on): off, customer messages get no AI answer, draft or summary."""
    return bool(getattr(settings, "HELMDESK_AI_INBOUND", True))


def on_customer_message_posted(*, ticket: Ticket, message: Message, **_kwargs) -> None:
    if not inbound_enabled():
        return
    async_task("ai.tasks.inbound.handle_inbound", ticket.pk, message.pk, task_name=f"inbound-{message.pk}")
    on_thread_grew(ticket=ticket, message=message)


def on_thread_grew(*, ticket: Ticket, message: Message, **_kwargs) -> None:
    if inbound_enabled() and message.seq >= MIN_MESSAGES:
        async_task(
            "ai.tasks.inbound.refresh_summary", ticket.pk, task_name=f"summary-{ticket.pk}-{message.seq}"
        )


def on_agent_message_posted(*, ticket: Ticket, message: Message, **_kwargs) -> None:
    if not inbound_enabled():
        return
    draft_match_reply(ticket=ticket, message=message)
    on_thread_grew(ticket=ticket, message=message)
