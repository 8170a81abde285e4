"""Chat by email: an offline conversation's replies, and "email me the transcript".

Both go to the conversation's own address only: the signed-in customer's email when the host website
signed the identity, else the email the visitor typed in the pre-chat form (for their own
conversation, never as a key to anything else). Mail leaves through helpdesk's system mail
(`system_mail_send`: the email channel's mailbox when it is installed, Django's mailer otherwise).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chat.i18n import supported_language
from chat.models import ChatSession, Visitor
from chat.selectors.widgets import session_current
from chat.services.visitors import PLACEHOLDER_DOMAIN
from core.errors import ApplicationError
from helpdesk.extensions import system_mail_send
from helpdesk.models import Message

TRANSCRIPT_LIMITS = ((1, 60), (5, 3600))  # at most one a minute and five an hour per visitor


def visitor_email(visitor: Visitor) -> str:
    email = visitor.customer.email if visitor.verified else visitor.email
    return "" if not email or email.endswith(PLACEHOLDER_DOMAIN) else email


def _company() -> str:
    return getattr(settings, "HELMDESK_COMPANY_NAME", "Helmdesk")


def offline_reply_mail(message: Message) -> bool:
    """An agent's public reply in a conversation that started while the chat was offline goes by
    email too (the visitor has likely left the page). True when a mail was sent."""
    if message.is_internal or message.author_kind != Message.AuthorKind.AGENT:
        return False
    session = (
        ChatSession.objects.select_related("visitor__customer", "ticket")
        .filter(ticket_id=message.ticket_id, offline=True)
        .first()
    )
    if session is None:
        return False
    to = visitor_email(session.visitor)
    if not to:
        return False
    name = message.author_agent.name if message.author_agent else _company()
    with translation.override(supported_language(session.ticket.language)):  # the customer's language
        body = _("%(name)s answered your message:") % {"name": name} + f"\n\n{message.body_text}\n\n"
        body += _("Open the chat on our website to continue the conversation.")
        subject = _("Re: %(subject)s") % {"subject": session.ticket.subject}
    system_mail_send(to=to, subject=subject, body=body)
    return True


def _transcript_allowed(visitor_id: int) -> bool:
    now = time.time()
    for count_max, window in TRANSCRIPT_LIMITS:
        bucket = f"chat-transcript:{visitor_id}:{window}:{int(now // window)}"
        if cache.add(bucket, 1, timeout=window * 2):
            continue
        try:
            count = cache.incr(bucket)
        except ValueError:
            cache.set(bucket, 1, timeout=window * 2)
            count = 1
        if count > count_max:
            return False
    return True


def transcript_text(session: ChatSession) -> str:
    lines = []
    rows = (
        Message.objects.filter(ticket_id=session.ticket_id, is_internal=False)
        .select_related("author_agent__user")
        .order_by("seq")
    )
    for message in rows:
        when = timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M")
        if message.author_kind == Message.AuthorKind.CUSTOMER:
            who = _("You")
        elif message.author_kind == Message.AuthorKind.AGENT and message.author_agent:
            who = message.author_agent.name
        elif message.author_kind == Message.AuthorKind.AI:
            who = _("Assistant")
        else:
            who = _company()
        lines.append(f"[{when}] {who}:\n{message.body_text.strip()}\n")
        for citation in message.citations or []:
            if citation.get("url"):
                url = citation["url"]
                url = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
                lines.append(f"    {citation.get('title', '')}: {url}")
    return "\n".join(lines)


def chat_transcript_send(*, visitor: Visitor) -> str:
    """Mail the visitor's current conversation to the conversation's own email. Returns the
    address (masked for display). Raises ApplicationError without an email, conversation or when the
    rate limit is reached."""
    to = visitor_email(visitor)
    if not to:
        raise ApplicationError(_("Leave your email in the chat first, then ask for the transcript."))
    session = session_current(visitor=visitor)
    if session is None or session.ticket_id is None:
        raise ApplicationError(_("There is no conversation to send yet."))
    if not _transcript_allowed(visitor.pk):
        raise ApplicationError(_("The transcript was sent a moment ago. Please try again later."))
    with translation.override(supported_language(session.ticket.language)):
        subject = _("Your chat with %(company)s") % {"company": _company()}
        body = transcript_text(session)
    system_mail_send(to=to, subject=subject, body=body)
    return mask_email(to)


def mask_email(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
