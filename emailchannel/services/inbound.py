"""Mail in: raw bytes first, then parse, classify and hand to the conversation core's front door.

`email_receive` commits the exact bytes (a RawInput, hash-named in storage) before anything parses
them, then `email_process` decides: ignored (our own address, a duplicate), spam, a bounce (attached
to the ticket it bounces from, the delivery marked failed), or a customer message through
`conversation_receive` (new ticket, reply, reopen, follow-up). Anything that fails is quarantined
with its error, never lost and never raised: the quarantine can retry, discard or release it.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError, AttachmentRejected
from emailchannel import loop
from emailchannel.models import InboundEmail, Mailbox, OutboundEmail, TicketCc
from emailchannel.parsing import ParsedEmail, parse_email
from emailchannel.selectors import mailbox_addresses, ticket_for_email
from helpdesk.models import DeliveryStatus, Message, RawInput
from helpdesk.services.attachments import SNIFF_BYTES, attachment_check
from helpdesk.services.conversation import Outcome, conversation_receive, raw_input_store
from helpdesk.services.customers import customer_get_or_create
from helpdesk.services.delivery import MAX_ATTEMPTS
from helpdesk.services.messages import note_add

logger = logging.getLogger(__name__)
CHANNEL = "email"
NO_SUBJECT = "(no subject)"
NO_TEXT = "(no text)"
DIAGNOSTIC = re.compile(r"(?im)^(diagnostic-code|status|action|final-recipient):\s*(.+)$")


def email_receive(*, raw: bytes, mailbox: Mailbox | None = None) -> InboundEmail:
    """Store one raw message (committed) and process it. Never raises for bad mail."""
    raw_input = raw_input_store(channel=CHANNEL, payload=bytes(raw))
    inbound = InboundEmail.objects.create(raw_input=raw_input, mailbox=mailbox)
    return email_process(inbound=inbound)


def raw_bytes(inbound: InboundEmail) -> bytes:
    raw_input = inbound.raw_input
    if raw_input.file:
        with raw_input.file.open("rb") as handle:
            return handle.read()
    return raw_input.payload.encode("utf-8", "surrogateescape")


def email_process(*, inbound: InboundEmail, as_new_ticket: bool = False) -> InboundEmail:
    """Decide what one stored mail is. Not atomic on purpose (the front door commits on its own);
    every failure ends in the quarantine with the error. `as_new_ticket` (the quarantine's
    "release") skips the noise checks and threading."""
    try:
        parsed = parse_email(raw_bytes(inbound))
    except Exception as error:  # the bytes are stored; the quarantine shows them
        return _quarantine(inbound, f"Unparseable: {type(error).__name__}: {error}")
    try:
        _keep_envelope(inbound, parsed)
        if not as_new_ticket:
            handled = _noise(inbound, parsed)
            if handled is not None:
                return handled
        return _receive(inbound, parsed, as_new_ticket=as_new_ticket)
    except Exception as error:  # processing failed: keep it for a person, with the reason
        logger.warning("email %s quarantined: %s", inbound.pk, error)
        inbound = InboundEmail.objects.select_related("raw_input", "mailbox").get(pk=inbound.pk)
        return _quarantine(inbound, f"{type(error).__name__}: {error}")


def _keep_envelope(inbound: InboundEmail, parsed: ParsedEmail) -> None:
    inbound.header_message_id = parsed.message_id[:300]
    inbound.from_address = parsed.from_address[:320]
    inbound.from_name = parsed.from_name[:200]
    inbound.to = ", ".join(parsed.to)[:5000]
    inbound.cc = ", ".join(parsed.cc)[:5000]
    inbound.subject = parsed.subject[:500]
    inbound.full_text = parsed.full_text
    inbound.is_automatic = bool(loop.automatic_reason(parsed))
    inbound.save()
    RawInput.objects.filter(pk=inbound.raw_input_id).update(sender=parsed.from_address[:320])


def _noise(inbound: InboundEmail, parsed: ParsedEmail) -> InboundEmail | None:
    if parsed.from_address and parsed.from_address in mailbox_addresses():
        return inbound_finish(inbound, InboundEmail.Outcome.IGNORED, "From our own mailbox address")
    duplicate = _duplicate_of(inbound, parsed)
    if duplicate is not None:
        return inbound_finish(
            inbound, InboundEmail.Outcome.IGNORED, f"Duplicate of inbound email {duplicate}"
        )
    if loop.is_spam(parsed, header=settings.HELMDESK_EMAIL_SPAM_HEADER,
                    threshold=settings.HELMDESK_EMAIL_SPAM_THRESHOLD):  # fmt: skip
        return inbound_finish(
            inbound, InboundEmail.Outcome.SPAM, f"Spam ({settings.HELMDESK_EMAIL_SPAM_HEADER})"
        )
    if loop.is_bounce(parsed):
        return _bounce(inbound, parsed)
    return None


def _duplicate_of(inbound: InboundEmail, parsed: ParsedEmail) -> int | None:
    handled = (InboundEmail.Outcome.TICKET, InboundEmail.Outcome.REPLY, InboundEmail.Outcome.BOUNCE)
    earlier = InboundEmail.objects.filter(outcome__in=handled).exclude(pk=inbound.pk)
    if parsed.message_id:
        earlier = earlier.filter(header_message_id=parsed.message_id)
    else:
        earlier = earlier.filter(raw_input__sha256=inbound.raw_input.sha256)
    return earlier.values_list("pk", flat=True).first()


def _receive(inbound: InboundEmail, parsed: ParsedEmail, *, as_new_ticket: bool) -> InboundEmail:
    if not parsed.from_address:
        raise ApplicationError("The mail has no sender address.")
    sender = customer_get_or_create(email=parsed.from_address, name=parsed.from_name)
    ticket, _how = (
        (None, "")
        if as_new_ticket
        else ticket_for_email(parsed=parsed, sender=sender, mailbox=inbound.mailbox)
    )
    attachments, refused = accepted_attachments(parsed)
    body = parsed.text or ("" if attachments else NO_TEXT)
    if refused:
        body += "\n\n" + "\n".join(f"[{reason}]" for reason in refused)
    received = conversation_receive(
        channel=CHANNEL, sender=sender, subject=parsed.subject or NO_SUBJECT, body_text=body,
        raw_input=inbound.raw_input, thread_hint=ticket, attachments=attachments,
        email_message_id=parsed.message_id, email_in_reply_to=parsed.in_reply_to,
        team=inbound.mailbox.default_team if inbound.mailbox else None,
    )  # fmt: skip
    created = received.outcome in (Outcome.CREATED, Outcome.FOLLOW_UP)
    inbound.ticket, inbound.message = received.ticket, received.message
    _ccs_add(inbound, parsed)
    return inbound_finish(
        inbound, InboundEmail.Outcome.TICKET if created else InboundEmail.Outcome.REPLY, received.outcome
    )


def accepted_attachments(parsed: ParsedEmail) -> tuple[list[tuple[str, bytes, str]], list[str]]:
    """Attachments that pass the helpdesk's limits, and a line for each one refused."""
    accepted, refused = [], []
    for item in parsed.attachments:
        try:
            content_type = attachment_check(
                filename=item.filename, size=len(item.data), content_type=item.content_type,
                head=item.data[:SNIFF_BYTES],
            )  # fmt: skip
        except AttachmentRejected as error:
            refused.append(str(error))
            continue
        accepted.append((item.filename, item.data, content_type))
    return accepted, refused


def _ccs_add(inbound: InboundEmail, parsed: ParsedEmail) -> None:
    """Keep the customer's cc's for agent replies. The message is in already: a failure here is
    logged, never a reason to quarantine it."""
    own = mailbox_addresses() | {parsed.from_address}
    try:
        for address in parsed.cc[:10]:
            if address not in own and not loop.never_reply_to(address):
                TicketCc.objects.get_or_create(ticket=inbound.ticket, address=address[:254])
    except Exception:
        logger.exception("keeping the cc's of inbound email %s failed", inbound.pk)


def _bounce(inbound: InboundEmail, parsed: ParsedEmail) -> InboundEmail:
    """Attach a bounce to the ticket of the reply it bounces and mark that delivery failed."""
    ids = parsed.original_message_ids + parsed.thread_ids
    outbound = (
        OutboundEmail.objects.filter(header_message_id__in=ids).select_related("message", "ticket").first()
    )
    if outbound is None:
        return inbound_finish(inbound, InboundEmail.Outcome.IGNORED, "Bounce of a mail we did not send")
    diagnostic = "; ".join(f"{k}: {v.strip()}" for k, v in DIAGNOSTIC.findall(parsed.full_text)[:4])
    error = f"Bounced: {diagnostic or parsed.subject}"[:2000]
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=outbound.pk).update(status=OutboundEmail.Status.BOUNCED, detail=error)
        Message.objects.filter(pk=outbound.message_id).update(
            delivery_status=DeliveryStatus.FAILED, delivery_error=error, delivery_attempts=MAX_ATTEMPTS
        )
        note_add(
            ticket=outbound.ticket, author_kind=Message.AuthorKind.SYSTEM,
            body_text=f"The email with reply #{outbound.message.seq} to {outbound.recipients} bounced. {error}",
        )  # fmt: skip
    inbound.ticket = outbound.ticket
    return inbound_finish(inbound, InboundEmail.Outcome.BOUNCE, error[:300])


_RAW_STATUS = {
    InboundEmail.Outcome.IGNORED: RawInput.Status.IGNORED,
    InboundEmail.Outcome.SPAM: RawInput.Status.QUARANTINED,
    InboundEmail.Outcome.QUARANTINED: RawInput.Status.QUARANTINED,
    InboundEmail.Outcome.DISCARDED: RawInput.Status.DISCARDED,
    InboundEmail.Outcome.BOUNCE: RawInput.Status.PROCESSED,
}


def inbound_finish(inbound: InboundEmail, outcome: str, reason: str = "") -> InboundEmail:
    inbound.outcome = outcome
    inbound.reason = reason[:300]
    inbound.save()
    if outcome in _RAW_STATUS:
        RawInput.objects.filter(pk=inbound.raw_input_id).update(
            status=_RAW_STATUS[outcome], error=reason[:10_000], ticket=inbound.ticket,
            processed_at=timezone.now(),
        )  # fmt: skip
    return inbound


def _quarantine(inbound: InboundEmail, error: str) -> InboundEmail:
    return inbound_finish(inbound, InboundEmail.Outcome.QUARANTINED, error)
