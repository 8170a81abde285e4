"""Inbound reads: the channel policy (does the AI answer, or draft for an agent?) and whether a
customer message was handled already."""

from __future__ import annotations

from ai.models import AIDraft, AIInteraction, AISettings
from ai.selectors.rollout import Group, rollout_decide
from chat.selectors.widgets import chat_ai_may_answer
from emailchannel.selectors import last_inbound_is_automatic
from helpdesk.models import Message, Ticket, TicketChannel

AUTO_ANSWER_CHANNELS = {TicketChannel.CHAT, TicketChannel.WEB}
ANSWER = "answer"
DRAFT = "draft"
SHADOW = "shadow"
OFF = "off"


def customer_message_get(*, ticket_id: int, message_id: int) -> Message | None:
    """The customer message `message_id` of ticket `ticket_id` (None when missing or not the customer's)."""
    message = Message.objects.select_related("ticket").filter(pk=message_id, ticket_id=ticket_id).first()
    if message is None or message.author_kind != Message.AuthorKind.CUSTOMER:
        return None
    return message


def inbound_handled(*, message: Message) -> bool:
    """An answer (or handoff) was recorded for the message, or a draft was made from it."""
    return (
        AIInteraction.objects.filter(
            message=message, kind__in=[AIInteraction.Kind.ANSWER, AIInteraction.Kind.SHADOW]
        ).exists()
        or AIDraft.objects.filter(source_message=message).exists()
    )


def person_took_over(*, ticket: Ticket) -> bool:
    """An agent replied, or the AI already handed off: the AI stays out of the conversation."""
    return (
        Message.objects.filter(ticket=ticket, author_kind=Message.AuthorKind.AGENT).exists()
        or AIInteraction.objects.filter(
            ticket=ticket,
            kind=AIInteraction.Kind.ANSWER,
            decision__in=[AIInteraction.Decision.HANDED_OFF, AIInteraction.Decision.BLOCKED],
        ).exists()
    )


def channel_policy(*, ticket: Ticket) -> str:
    """ANSWER (the AI replies or hands off) or DRAFT (an agent replies with a draft's help): chat and
    portal customers get answers, email customers too when AISettings.answer_email is on; once a
    person has taken over, drafts only. A channel with a rollout row (ai.selectors.rollout) follows
    it instead: OFF (no AI at all), DRAFT, SHADOW (a private answer, measured, plus a draft), or live
    for everyone or for a sticky share of customers (the others, the control group, get drafts)."""
    rollout = rollout_decide(ticket=ticket)
    if rollout is not None:
        if rollout.group == Group.OFF:
            return OFF
        took_over = person_took_over(ticket=ticket)
        if rollout.group == Group.SHADOW and not took_over:
            return SHADOW
        if rollout.group != Group.LIVE or took_over:
            return DRAFT  # draft mode, the control group, or a person took over
    else:
        channels = set(AUTO_ANSWER_CHANNELS)
        if AISettings.load().answer_email:
            channels.add(TicketChannel.EMAIL)
        if ticket.channel not in channels or person_took_over(ticket=ticket):
            return DRAFT
    if ticket.channel == TicketChannel.CHAT and not chat_ai_may_answer(ticket_id=ticket.pk):
        return DRAFT  # the widget's "AI answers first" is off, or the visitor asked for a person
    if ticket.channel == TicketChannel.EMAIL and last_inbound_is_automatic(ticket):
        return DRAFT  # an auto-reply, bulk or list mail never gets an automatic answer (mail loops)
    return ANSWER
