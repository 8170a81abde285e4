"""Mail out: the delivery adapter for channel "email" (registered in EmailChannelConfig.ready()).

`message_deliver` (the conversation core's back door) calls `email_deliver(message)` inside its
transaction; an exception marks the reply failed and the core retries it. Here: one OutboundEmail
row per reply (the idempotency key: a reply already mailed is never mailed again), our own
Message-ID, In-Reply-To/References to the thread, the ticket token in the subject,
`Auto-Submitted: auto-replied` on automatic mails, text + HTML from one template in the customer's
language. Loop protection: automatic mails never go to no-reply senders, never answer an
automatic mail, and at most HELMDESK_EMAIL_AUTO_REPLY_CAP go to one address per hour.
Only configured mailbox addresses (or DEFAULT_FROM_EMAIL) are used as senders.
"""

from __future__ import annotations

import email.utils
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from emailchannel import loop
from emailchannel.models import Mailbox, OutboundEmail
from emailchannel.parsing import clean_header
from emailchannel.selectors import (
    auto_reply_cap_reached,
    last_inbound_is_automatic,
    mailbox_for_ticket,
    thread_message_ids,
    ticket_cc_addresses,
)
from helpdesk.models import DeskSettings, Message, Ticket

AUTOMATIC_AUTHORS = (Message.AuthorKind.AI, Message.AuthorKind.SYSTEM)


class EmailBounced(Exception):
    """The address bounced this reply before: it is not mailed again by the retry schedule."""


def sender_address(ticket: Ticket) -> str:
    mailbox = mailbox_for_ticket(ticket)
    if mailbox is not None:
        return mailbox.address
    return email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "support@localhost"


def message_id_for(*, ticket: Ticket, message: Message, sender: str) -> str:
    domain = sender.rsplit("@", 1)[-1] or "localhost"
    return f"<helmdesk.{ticket.number}.{message.pk}.{uuid.uuid4().hex[:12]}@{domain}>"


def subject_for(ticket: Ticket) -> str:
    subject = clean_header(ticket.subject, 250)
    return f"Re: [#{ticket.number}] {subject}"


def suppression_reason(*, message: Message, to: str) -> str:
    """Why an automatic mail must not go out (loop protection), or ""."""
    if message.author_kind not in AUTOMATIC_AUTHORS:
        return ""
    if loop.never_reply_to(to):
        return f"{to} never gets automatic mail"
    if last_inbound_is_automatic(message.ticket):
        return "the customer's last mail was automatic (auto-reply, list or bulk)"
    if auto_reply_cap_reached(to):
        return f"more than {settings.HELMDESK_EMAIL_AUTO_REPLY_CAP} automatic mails to {to} within an hour"
    return ""


def email_deliver(message: Message) -> None:
    """The delivery adapter: mail one public reply to the requester (and cc's for agent replies)."""
    if OutboundEmail.objects.filter(message=message).exclude(status=OutboundEmail.Status.BOUNCED).exists():
        return  # mailed (or suppressed) before: a retried task must not send twice
    bounced = OutboundEmail.objects.filter(message=message, status=OutboundEmail.Status.BOUNCED).first()
    if bounced is not None:
        raise EmailBounced(bounced.detail)
    ticket = message.ticket
    to = ticket.requester.email
    if not to:
        raise ValueError("The customer has no email address.")
    sender = sender_address(ticket)
    automatic = message.author_kind in AUTOMATIC_AUTHORS
    cc = [] if automatic else [a for a in ticket_cc_addresses(ticket) if a.lower() != to.lower()]
    mail = build_mail(message=message, sender=sender, to=to, cc=cc, automatic=automatic)
    reason = suppression_reason(message=message, to=to)
    OutboundEmail.objects.create(
        message=message, ticket=ticket, header_message_id=mail.extra_headers["Message-ID"], sender=sender,
        recipients=", ".join([to, *cc]), subject=mail.subject, is_automatic=automatic,
        status=OutboundEmail.Status.SUPPRESSED if reason else OutboundEmail.Status.SENT, detail=reason,
    )  # fmt: skip
    Message.objects.filter(pk=message.pk).update(
        email_message_id=mail.extra_headers["Message-ID"],
        email_in_reply_to=mail.extra_headers.get("In-Reply-To", ""),
    )
    if not reason:
        mail.send(fail_silently=False)  # raises: the row above rolls back, the reply stays failed


def build_mail(
    *, message: Message, sender: str, to: str, cc: list[str], automatic: bool
) -> EmailMultiAlternatives:
    ticket = message.ticket
    company = clean_header(DeskSettings.load().company_name or settings.HELMDESK_COMPANY_NAME, 100)
    thread = thread_message_ids(ticket, before_id=message.pk)
    headers = {"Message-ID": message_id_for(ticket=ticket, message=message, sender=sender)}
    if thread:
        headers["In-Reply-To"] = thread[-1]
        headers["References"] = " ".join(thread)
    if automatic:
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    language = ticket.requester.language or ticket.language or settings.LANGUAGE_CODE
    context = {"message": message, "ticket": ticket, "company": company, "site_url": settings.SITE_URL}
    with translation.override(language):
        text = render_to_string("emailchannel/reply.txt", context)
        html = render_to_string("emailchannel/reply.html", context)
    mail = EmailMultiAlternatives(
        subject=subject_for(ticket), body=text, from_email=email.utils.formataddr((company, sender)),
        to=[to], cc=cc, headers=headers, connection=get_connection(),
    )  # fmt: skip
    mail.attach_alternative(html, "text/html")
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            mail.attach(attachment.filename, handle.read(), attachment.content_type)
    return mail


def system_mail_deliver(*, to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """System mail of the helpdesk (CSAT surveys, sign-in links), registered with
    helpdesk.extensions: from a configured mailbox, clean headers, marked automatic. Never to a
    no-reply address."""
    if loop.never_reply_to(to):
        return
    mailbox = Mailbox.objects.filter(is_active=True).order_by("id").first()
    sender = mailbox.address if mailbox else email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    sender = sender or "support@localhost"
    company = clean_header(DeskSettings.load().company_name or settings.HELMDESK_COMPANY_NAME, 100)
    headers = {
        "Message-ID": f"<helmdesk.system.{uuid.uuid4().hex}@{sender.rsplit('@', 1)[-1]}>",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        **{name: clean_header(value, 2000) for name, value in (headers or {}).items()},
    }
    EmailMultiAlternatives(
        subject=clean_header(subject, 250), body=body, from_email=email.utils.formataddr((company, sender)),
        to=[clean_header(to, 254)], headers=headers, connection=get_connection(),
    ).send(fail_silently=False)  # fmt: skip
