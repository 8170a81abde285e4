"""Reads of the email channel: which ticket a mail answers, our own addresses, the rate cap."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from emailchannel.models import InboundEmail, Mailbox, OutboundEmail, TicketCc
from emailchannel.parsing import ParsedEmail
from helpdesk.models import Customer, Message, Ticket, TicketStatus
from helpdesk.selectors.access import agent_for, agent_sees_all, agent_team_ids, visible_tickets

SUBJECT_TOKEN = re.compile(r"\[#(\d{1,9})\]")
PLUS_TICKET = re.compile(r"^([^+@]+)\+(\d{1,9})@(.+)$")
REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|vs|antw|fw|fwd|wg|tr|rv)\s*(\[\d+\])?\s*:\s*)+", re.I)


def mailbox_addresses() -> set[str]:
    return {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}


def mailbox_for_ticket(ticket: Ticket) -> Mailbox | None:
    """The mailbox the customer last wrote to, else the first active one."""
    inbound = (
        InboundEmail.objects.filter(ticket=ticket, mailbox__isnull=False, mailbox__is_active=True)
        .select_related("mailbox")
        .order_by("-id")
        .first()
    )
    if inbound is not None:
        return inbound.mailbox
    return Mailbox.objects.filter(is_active=True).order_by("id").first()


def ticket_for_email(
    *, parsed: ParsedEmail, sender: Customer, mailbox: Mailbox | None
) -> tuple[Ticket | None, str]:
    """The ticket a mail belongs to and how it was found: thread headers, then the subject token
    or plus-address, then (per mailbox) same sender and subject within N days. A ticket of another
    requester is never returned (a token in a subject is not a key to someone's ticket)."""
    ticket = _by_message_ids(parsed.thread_ids)
    how = "headers"
    if ticket is None:
        ticket, how = _by_number(parsed), "token"
    if ticket is None and mailbox is not None and mailbox.thread_by_subject_days:
        ticket, how = _by_subject(parsed, sender, days=mailbox.thread_by_subject_days), "subject"
    if ticket is None or ticket.requester_id != sender.pk:
        return None, ""
    return ticket, how


def _by_message_ids(ids: list[str]) -> Ticket | None:
    if not ids:
        return None
    message = (
        Message.objects.filter(email_message_id__in=ids[:50]).select_related("ticket").order_by("-id").first()
    )
    if message is not None:
        return message.ticket
    outbound = OutboundEmail.objects.filter(header_message_id__in=ids[:50]).select_related("ticket").first()
    return outbound.ticket if outbound else None


def ticket_numbers_in(parsed: ParsedEmail) -> list[int]:
    numbers = [int(n) for n in SUBJECT_TOKEN.findall(parsed.subject)]
    own = mailbox_addresses()
    for address in parsed.to + parsed.cc + parsed.delivered_to:
        match = PLUS_TICKET.match(address)
        if match and f"{match.group(1)}@{match.group(3)}" in own:
            numbers.append(int(match.group(2)))
    return numbers


def _by_number(parsed: ParsedEmail) -> Ticket | None:
    numbers = ticket_numbers_in(parsed)
    return Ticket.objects.filter(number__in=numbers).order_by("-id").first() if numbers else None


def normalized_subject(subject: str) -> str:
    return " ".join(SUBJECT_TOKEN.sub("", REPLY_PREFIX.sub("", subject)).lower().split())


def _by_subject(parsed: ParsedEmail, sender: Customer, *, days: int) -> Ticket | None:
    wanted = normalized_subject(parsed.subject)
    if not wanted:
        return None
    since = timezone.now() - dt.timedelta(days=days)
    candidates = Ticket.objects.filter(
        requester=sender, last_message_at__gte=since, merged_into__isnull=True
    ).exclude(status=TicketStatus.CLOSED)
    for ticket in candidates.order_by("-last_message_at")[:20]:
        if normalized_subject(ticket.subject) == wanted:
            return ticket
    return None


def automatic_mails_sent_recently(address: str, *, within: dt.timedelta = dt.timedelta(hours=1)) -> int:
    return OutboundEmail.objects.filter(
        recipients__iexact=address,
        is_automatic=True,
        status=OutboundEmail.Status.SENT,
        created_at__gte=timezone.now() - within,
    ).count()


def auto_reply_cap_reached(address: str) -> bool:
    return automatic_mails_sent_recently(address) >= settings.HELMDESK_EMAIL_AUTO_REPLY_CAP


def last_inbound_is_automatic(ticket: Ticket) -> bool:
    """Whether the customer's latest message came from an automatic mail (read through its raw
    input: the flag is stored before the front door runs the hooks that may answer it)."""
    raw_input_id = (
        Message.objects.filter(ticket=ticket, author_kind=Message.AuthorKind.CUSTOMER)
        .order_by("-seq")
        .values_list("raw_input_id", flat=True)
        .first()
    )
    return (
        bool(raw_input_id)
        and InboundEmail.objects.filter(raw_input_id=raw_input_id, is_automatic=True).exists()
    )


def thread_message_ids(ticket: Ticket, *, before_id: int | None = None) -> list[str]:
    """The thread's Message-IDs, oldest first (for References), customer and ours."""
    messages = Message.objects.filter(ticket=ticket, is_internal=False).exclude(email_message_id="")
    if before_id is not None:
        messages = messages.filter(pk__lt=before_id)
    return list(messages.order_by("seq").values_list("email_message_id", flat=True))[-20:]


def ticket_cc_addresses(ticket: Ticket) -> list[str]:
    return list(TicketCc.objects.filter(ticket=ticket).values_list("address", flat=True))


HELD = (InboundEmail.Outcome.QUARANTINED, InboundEmail.Outcome.SPAM)


def visible_inbound(*, user):
    """Inbound mail an agent may see: admins (and agents who see all) everything; others the mail
    of their teams' mailboxes, of mailboxes without a team, and of tickets they may see."""
    agent = agent_for(user)
    if agent is None:
        return InboundEmail.objects.none()
    emails = InboundEmail.objects.select_related("raw_input", "mailbox", "ticket")
    if agent_sees_all(agent):
        return emails
    teams = agent_team_ids(agent)
    return emails.filter(
        Q(ticket__in=visible_tickets(user=user))
        | Q(ticket__isnull=True, mailbox__default_team_id__in=teams)
        | Q(ticket__isnull=True, mailbox__default_team__isnull=True)
    )


def quarantine_page(*, user, kind: str = "", limit: int = 100) -> list[InboundEmail]:
    outcomes = (kind,) if kind in HELD else HELD
    return list(
        visible_inbound(user=user).filter(outcome__in=outcomes).order_by("-created_at", "-id")[:limit]
    )


def inbound_for_ticket(ticket: Ticket) -> dict[int, InboundEmail]:
    """The inbound mail behind each customer message of a ticket, by message id."""
    emails = InboundEmail.objects.filter(message__ticket=ticket).exclude(message=None)
    return {e.message_id: e for e in emails}


def outbound_for_ticket(ticket: Ticket) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(ticket=ticket).select_related("message").order_by("id"))
