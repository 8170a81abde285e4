"""Honest outcome classes for AI-touched conversations, computed from what happened next (customer
replies, who closed the ticket, CSAT, follow-up tickets), never from the AI's own confidence.

The classification is a pure function over a small timeline so each rule (and its edge cases) is
tested without a database; `timelines_load` builds the timelines for many tickets in a few queries.

Order of precedence (one class per conversation):
  blocked     a guardrail stopped an answer
  escalated   the AI handed off (rule or reason kept), or an agent replied before any resolution signal
  reopened    after a resolution (confirmed or assumed) the customer came back within the reopen window:
              a new message on the ticket, or a follow-up ticket
  confirmed   the customer said it helped, closed the ticket themselves, or rated it 4 or 5
  assumed     no customer reply for `assume_days` after the last AI answer (never added to confirmed)
  unresolved  the customer replied soon after, without saying it helped, and nobody resolved it
  pending     too early to tell (the assume window has not passed yet)
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from ai.models import AIInteraction
from core.text import keyword_in
from helpdesk.models import CsatSurvey, Message, Ticket, TicketEvent, TicketStatus

BLOCKED = "blocked"
ESCALATED = "escalated"
REOPENED = "reopened"
CONFIRMED = "confirmed"
ASSUMED = "assumed"
UNRESOLVED = "unresolved"
PENDING = "pending"
CLASSES = [CONFIRMED, ASSUMED, REOPENED, ESCALATED, BLOCKED, UNRESOLVED, PENDING]

# The customer's own words that say the answer helped (English and German, the demo's languages).
THANKS_PHRASES = (
    "that helped", "this helped", "it helped", "helped a lot", "that worked", "this worked", "it worked",
    "works now", "working now", "solved", "fixed", "problem solved", "all good", "thanks, that",
    "thank you, that", "perfect, thanks", "great, thanks", "got it, thanks", "hat geholfen", "funktioniert",
    "gelöst", "danke, das",
)  # fmt: skip
NOT_HELPED = ("not solved", "not fixed", "didn't help", "did not help", "doesn't work", "does not work",
              "still not", "hat nicht geholfen", "funktioniert nicht", "nicht gelöst")  # fmt: skip


def says_it_helped(text: str) -> bool:
    """Customer text that says the answer worked (negations such as "did not help" excluded)."""
    if any(keyword_in(text, phrase) for phrase in NOT_HELPED):
        return False
    return any(keyword_in(text, phrase) for phrase in THANKS_PHRASES)


@dataclass
class AnswerEvent:
    at: dt.datetime
    decision: str
    reason: str = ""
    problems: list = field(default_factory=list)


@dataclass
class Timeline:
    """What happened on one conversation, in time order per list."""

    ticket_id: int
    answers: list[AnswerEvent] = field(default_factory=list)  # the AI's answer runs
    customer_messages: list[tuple[dt.datetime, str]] = field(default_factory=list)
    agent_replies: list[dt.datetime] = field(default_factory=list)  # public agent replies
    customer_closed: list[dt.datetime] = field(default_factory=list)  # the customer solved/closed it
    csat: list[tuple[dt.datetime, int]] = field(default_factory=list)
    returns: list[dt.datetime] = field(default_factory=list)  # follow-up tickets of this one


@dataclass(frozen=True)
class Outcome:
    klass: str
    reason: str = ""


def _first_after(moments, start: dt.datetime) -> dt.datetime | None:
    later = [moment for moment in moments if moment > start]
    return min(later) if later else None


def outcome_classify(
    timeline: Timeline, *, now: dt.datetime, assume_days: int, reopen_days: int
) -> Outcome | None:
    """The conversation's outcome class, or None when the AI never ran an answer on it."""
    if not timeline.answers:
        return None
    for answer in timeline.answers:
        if answer.decision == AIInteraction.Decision.BLOCKED:
            kinds = sorted({str(p).split(":")[0] for p in answer.problems}) or [answer.reason or "guardrail"]
            return Outcome(BLOCKED, ", ".join(kinds)[:120])
    for answer in timeline.answers:
        if answer.decision == AIInteraction.Decision.HANDED_OFF:
            return Outcome(ESCALATED, handoff_reason_key(answer.reason))
    answered = [a.at for a in timeline.answers if a.decision == AIInteraction.Decision.ANSWERED]
    if not answered:
        return None
    first, last = min(answered), max(answered)
    assume, reopen = dt.timedelta(days=assume_days), dt.timedelta(days=reopen_days)

    thanks = [at for at, text in timeline.customer_messages if at > first and says_it_helped(text)]
    others = [at for at, text in timeline.customer_messages if at > first and not says_it_helped(text)]
    signals = thanks + [at for at in timeline.customer_closed if at > first]
    signals += [at for at, rating in timeline.csat if at > first and rating >= 4]
    resolved_at = min(signals) if signals else None

    agent_at = _first_after(timeline.agent_replies, first)
    if agent_at is not None and (resolved_at is None or agent_at < resolved_at):
        return Outcome(ESCALATED, "agent_replied")

    comebacks = others + list(timeline.returns)
    if resolved_at is not None:
        back = _first_after(comebacks, resolved_at)
        if back is not None and back - resolved_at <= reopen:
            return Outcome(REOPENED, "after_confirmed")
        return Outcome(CONFIRMED)

    back = _first_after(comebacks, last)
    if back is None:
        return Outcome(ASSUMED) if now - last >= assume else Outcome(PENDING)
    if back - last > assume:  # the silence had made it "assumed resolved", then the customer came back
        return Outcome(REOPENED, "after_assumed") if back - last <= reopen else Outcome(ASSUMED)
    return Outcome(UNRESOLVED)


def handoff_reason_key(reason: str) -> str:
    """A short, PII-free key for a handoff reason: the rule kind or reason name, without the matched
    text or numbers ("keyword: refund" -> "keyword", "low_confidence 0.41 < 0.89" -> "low_confidence")."""
    head = (reason or "").split(":")[0]
    head = re.sub(r"\(.*?\)|[<>=]|-?\d+(\.\d+)?", " ", head)
    return " ".join(head.split())[:60] or "unspecified"


def timelines_load(ticket_ids: list[int]) -> dict[int, Timeline]:
    """Timelines for the tickets in a handful of queries (no per-ticket queries)."""
    timelines = {ticket_id: Timeline(ticket_id=ticket_id) for ticket_id in ticket_ids}
    if not timelines:
        return {}
    answers = AIInteraction.objects.filter(ticket_id__in=ticket_ids, kind=AIInteraction.Kind.ANSWER)
    for row in answers.order_by("created_at").values(
        "ticket_id", "created_at", "decision", "reason", "problems"
    ):
        timelines[row["ticket_id"]].answers.append(
            AnswerEvent(row["created_at"], row["decision"], row["reason"], row["problems"] or [])
        )
    messages = Message.objects.filter(ticket_id__in=ticket_ids, is_internal=False).filter(
        Q(author_kind=Message.AuthorKind.CUSTOMER) | Q(author_kind=Message.AuthorKind.AGENT)
    )
    for row in messages.order_by("seq").values("ticket_id", "author_kind", "created_at", "body_text"):
        timeline = timelines[row["ticket_id"]]
        if row["author_kind"] == Message.AuthorKind.CUSTOMER:
            timeline.customer_messages.append((row["created_at"], row["body_text"]))
        else:
            timeline.agent_replies.append(row["created_at"])
    closed = TicketEvent.objects.filter(
        ticket_id__in=ticket_ids, field="status", actor_label="customer",
        after__in=[TicketStatus.SOLVED, TicketStatus.CLOSED],
    )  # fmt: skip
    for ticket_id, at in closed.values_list("ticket_id", "created_at"):
        timelines[ticket_id].customer_closed.append(at)
    surveys = CsatSurvey.objects.filter(ticket_id__in=ticket_ids, rating__isnull=False)
    for ticket_id, at, rating in surveys.values_list("ticket_id", "answered_at", "rating"):
        if at is not None:
            timelines[ticket_id].csat.append((at, rating))
    follow_ups = Ticket.objects.filter(follow_up_of_id__in=ticket_ids)
    for parent_id, at in follow_ups.values_list("follow_up_of_id", "created_at"):
        timelines[parent_id].returns.append(at)
    return timelines


def outcomes_for(
    ticket_ids: list[int], *, now: dt.datetime, assume_days: int, reopen_days: int
) -> dict[int, Outcome]:
    """Outcome per AI-touched ticket (tickets without an AI answer run are left out)."""
    result = {}
    for ticket_id, timeline in timelines_load(ticket_ids).items():
        outcome = outcome_classify(timeline, now=now, assume_days=assume_days, reopen_days=reopen_days)
        if outcome is not None:
            result[ticket_id] = outcome
    return result


def outcome_counts(outcomes: dict[int, Outcome]) -> dict[str, int]:
    counts = defaultdict(int)
    for outcome in outcomes.values():
        counts[outcome.klass] += 1
    return {klass: counts.get(klass, 0) for klass in CLASSES}
