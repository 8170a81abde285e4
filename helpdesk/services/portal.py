"""Customer portal writes: spam-checked ticket submission, magic-link sign-in, replies, deflections."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.errors import ApplicationError
from core.request_input import text_is_blank
from helpdesk.extensions import system_mail_send
from helpdesk.models import Customer, Deflection, MagicLink, Ticket, TicketChannel, TicketStatus
from helpdesk.selectors.portal import portal_topics
from helpdesk.services.attachments import attachments_precheck
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.customers import customer_get_or_create
from helpdesk.services.tickets import ticket_transition

logger = logging.getLogger(__name__)
MAGIC_LINK_TTL = dt.timedelta(minutes=15)
MIN_FILL_SECONDS = 3
FORM_MAX_AGE_S = 6 * 3600
LIMITS = {  # (count, seconds)
    "submit_ip": (5, 3600),
    "submit_email": (3, 600),
    "magic_ip": (10, 3600),
    "magic_email": (3, 900),
}


class SpamRejected(ApplicationError):
    """Looks automated; the view answers as if it had worked, so bots learn nothing."""


class RateLimited(ApplicationError):
    pass


def rate_limit_hit(kind: str, key: str) -> None:
    """Count one attempt; raise RateLimited past the limit (cache-backed: Redis in production)."""
    limit, window = LIMITS[kind]
    cache_key = "rl:" + kind + ":" + hashlib.sha256(key.lower().encode()).hexdigest()[:32]
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    if count > limit:
        raise RateLimited(_("Too many attempts. Please wait a few minutes and try again."))


def form_stamp() -> str:
    """A signed time stamp put in the form, to measure how long filling it took."""
    return signing.dumps({"t": timezone.now().timestamp()}, salt="portal-form")


def check_form_stamp(stamp: str, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    try:
        data = signing.loads(stamp or "", salt="portal-form", max_age=FORM_MAX_AGE_S)
    except signing.BadSignature:
        raise SpamRejected("bad or expired form stamp")
    if now.timestamp() - float(data["t"]) < MIN_FILL_SECONDS:
        raise SpamRejected("form filled too fast")


def portal_ticket_submit(
    *,
    email: str,
    name: str,
    subject: str,
    body: str,
    ip: str,
    stamp: str,
    honeypot: str = "",
    topic: str = "",
    attachments=(),
    language: str = "",
) -> Ticket:
    """The portal form. Not atomic: the front door commits the raw input before it processes it."""
    if honeypot.strip():
        raise SpamRejected("honeypot filled")
    check_form_stamp(stamp)
    rate_limit_hit("submit_ip", ip or "unknown")
    rate_limit_hit("submit_email", email)
    if text_is_blank(body):
        raise ApplicationError(_("Please describe your question."))
    if topic and topic not in portal_topics():
        raise ApplicationError(_("Please pick a topic from the list."))
    attachments_precheck(attachments)
    customer = customer_get_or_create(email=email, name=name, language=language)
    tags = [f"topic-{topic}"] if topic else []  # only names of active topics: never a tag from input
    received = conversation_receive(
        channel=TicketChannel.WEB,
        sender=customer,
        subject=subject,
        body_text=body,
        tags=tags,
        language=language,
        raw_payload=f"Subject: {subject}\nFrom: {name} <{email}>\n\n{body}",
        attachments=attachments,
    )
    return received.ticket


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def magic_link_request(*, email: str, ip: str) -> None:
    """Email a sign-in link if the address is a customer's. Says nothing either way (no enumeration).

    The link is built from the configured site URL (HELMDESK_SITE_URL), never from the request's
    Host header, which whoever asks for the link controls."""
    email = (email or "").strip()
    rate_limit_hit("magic_ip", ip or "unknown")
    rate_limit_hit("magic_email", email or "-")
    customer = Customer.objects.filter(email__iexact=email).first() if "@" in email else None
    if customer is None:
        return
    token = secrets.token_urlsafe(32)
    MagicLink.objects.create(
        email=customer.email, token_hash=_hash(token), expires_at=timezone.now() + MAGIC_LINK_TTL
    )
    url = f"{settings.SITE_URL}{reverse('portal:login_token', args=[token])}"
    with override(customer.language or settings.LANGUAGE_CODE):
        subject = _("Your sign-in link")
        body = _(
            "Hello %(name)s,\n\nuse this link to sign in to the support portal. It works once, "
            "for the next %(minutes)d minutes:\n\n%(url)s\n\nIf you did not ask for it, ignore this email."
        ) % {"name": customer.display_name, "minutes": int(MAGIC_LINK_TTL.total_seconds() // 60), "url": url}
    system_mail_send(to=customer.email, subject=subject, body=body)


@transaction.atomic
def magic_link_consume(*, token: str) -> Customer:
    """Single use, short-lived, bound to the address it was sent to."""
    link = MagicLink.objects.select_for_update().filter(token_hash=_hash(token or "")).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise ApplicationError(_("This sign-in link is invalid, already used or expired. Ask for a new one."))
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    customer = Customer.objects.filter(email__iexact=link.email).first()
    if customer is None:
        raise ApplicationError(_("This sign-in link is invalid, already used or expired. Ask for a new one."))
    return customer


def portal_reply(*, customer: Customer, ticket: Ticket, body: str, attachments=()):
    """A reply from the portal: through the front door (which refuses a ticket that is not theirs,
    reopens a pending or solved ticket and turns a reply to a closed one into a follow-up)."""
    if text_is_blank(body) and not attachments:  # blank: spaces, control and zero-width characters
        raise ApplicationError(_("A message needs some text."))
    attachments_precheck(attachments)  # a refused file stores nothing; the form keeps the text
    received = conversation_receive(
        channel=TicketChannel.WEB, sender=customer, body_text=body, raw_payload=body, thread_hint=ticket,
        attachments=attachments,
    )  # fmt: skip
    return received.message


def portal_close(*, customer: Customer, ticket: Ticket) -> Ticket:
    """The customer says it is solved (which sends the satisfaction survey)."""
    if ticket.requester_id != customer.pk:
        raise ApplicationError(_("This is not your ticket."))
    if ticket.status in (TicketStatus.SOLVED, TicketStatus.CLOSED):
        return ticket
    return ticket_transition(ticket=ticket, to_status=TicketStatus.SOLVED, actor_label="customer")


def deflection_record(
    *, article_id: int, query: str = "", customer: Customer | None = None, session_key: str = ""
):
    """One per session and article: a visitor read a suggested article and did not submit."""
    existing = (
        Deflection.objects.filter(article_id=article_id, session_key=session_key).first()
        if session_key
        else None
    )
    if existing:
        return existing
    return Deflection.objects.create(
        article_id=article_id, query=query[:300], customer=customer, session_key=session_key[:64]
    )
