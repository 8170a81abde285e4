"""Handing a conversation to a person: route the ticket, leave the agent a summary, tell the customer.

Called inside the transaction that records the answer's AIInteraction, which is unique per customer
message: a second run of the inbound task finds that row and does nothing, so a customer is never
told twice and the ticket is never routed twice.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ai.models import AIInteraction, TicketTriage
from ai.services.triage import triage_route
from helpdesk.models import Message, Team, Ticket, TicketChannel
from helpdesk.services.delivery import reply_send
from helpdesk.services.messages import note_add

REASON_TEXT = {
    "rule": "a handoff rule matched",
    "low_confidence": "the AI was not confident enough",
    "prompt_injection": "the message looked like an attempt to instruct the AI",
    "abusive": "the message was abusive",
    "redaction_failed": "personal data could not be removed safely, so the AI did not read the message",
    "no_sources": "the knowledge base has nothing on this",
    "pipeline_error": "the AI failed",
}


def customer_notice(*, language: str, custom: str = "", channel: str = TicketChannel.WEB) -> str:
    """What the customer is told: a person takes over, and where the reply will come."""
    if custom.strip():
        return custom.strip()
    with translation.override(language or None):
        if channel == TicketChannel.EMAIL:
            return _(
                "Thank you for your message. I have passed it to our support team; a team member will "
                "reply to this email as soon as possible."
            )
        return _(
            "Thank you. I have passed your question to our support team; a team member will reply "
            "here as soon as possible. You will also be notified when they do."
        )


def handoff_team(*, ticket: Ticket, rule_team_id: int | None) -> Team | None:
    """Triage's routing wins when it placed the ticket; otherwise the rule's team."""
    triage = TicketTriage.objects.filter(ticket=ticket).first()
    if triage is not None and ticket.team_id and not triage.needs_triage:
        return None  # already where triage routed it
    if rule_team_id:
        return Team.objects.filter(pk=rule_team_id).first()
    return None


LOW_CONFIDENCE = re.compile(r"^low_confidence (?P<got>[0-9.]+) < (?P<need>[0-9.]+)")


def handoff_reason_text(reason: str) -> str:
    """The stored reason ("low_confidence 0.69 < 0.89", "rule: Refunds") as a sentence for people:
    "the AI was not confident enough (69% < 89% required)"."""
    reason = (reason or "").strip()
    low = LOW_CONFIDENCE.match(reason)
    if low:
        got, need = round(float(low.group("got")) * 100), round(float(low.group("need")) * 100)
        return f"{REASON_TEXT['low_confidence']} ({got}% < {need}% required)"
    key = reason.split(":")[0].split(" ")[0]
    if key == "rule" and ":" in reason:
        return f"{REASON_TEXT['rule']} ({reason.split(':', 1)[1].strip()})"
    return REASON_TEXT.get(key) or reason.replace("_", " ")


def handoff_note(*, reason: str, summary: str) -> str:
    note = f"AI handoff: {handoff_reason_text(reason)}."
    if summary:
        note += f"\n\nSummary:\n{summary}"
    return note


@transaction.atomic
def ticket_handoff(
    *,
    ticket: Ticket,
    interaction: AIInteraction,
    reason: str,
    language: str,
    rule_team_id: int | None = None,
    customer_message: str = "",
    summary: str = "",
    notify_customer: bool = True,
) -> Message | None:
    """Route, leave an internal note with the summary, and tell the customer what happens next."""
    team = handoff_team(ticket=ticket, rule_team_id=rule_team_id)
    if team is not None:
        ticket = triage_route(ticket=ticket, team=team)
    note_add(
        ticket=ticket, author_kind=Message.AuthorKind.AI,
        body_text=handoff_note(reason=reason, summary=summary or ticket.ai_summary),
    )  # fmt: skip
    notice = None
    if notify_customer:
        # A notice, not an answer: it does not stop the first-reply clock (see counts_as_first_response).
        notice = reply_send(
            ticket=ticket, author_kind=Message.AuthorKind.AI, is_notice=True,
            body_text=customer_notice(language=language, custom=customer_message, channel=ticket.channel),
        )  # fmt: skip
        interaction.reply_message = notice
        interaction.save(update_fields=["reply_message"])
    return notice
