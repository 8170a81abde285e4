"""Mail in: raw first, parsing, threading, noise, quarantine. Real database and storage, real bytes."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from emailchannel.models import InboundEmail, TicketCc
from emailchannel.services.inbound import email_receive
from emailchannel.services.quarantine import quarantine_discard, quarantine_release, quarantine_retry
from helpdesk.models import Message, RawInput, Ticket, TicketStatus
from helpdesk.services.tickets import ticket_transition
from tests.emailchannel.conftest import FIXTURES, SUPPORT, make_mail, message_id_of

pytestmark = pytest.mark.django_db


def test_a_new_mail_is_stored_raw_first_and_becomes_a_ticket(mailbox, team):
    raw = make_mail(body="My brakes squeak since Monday.\n\nCasey")
    inbound = email_receive(raw=raw, mailbox=mailbox)

    assert inbound.outcome == InboundEmail.Outcome.TICKET
    raw_input = RawInput.objects.get(pk=inbound.raw_input_id)
    assert raw_input.status == RawInput.Status.PROCESSED
    assert raw_input.sha256 == hashlib.sha256(raw).hexdigest()
    with raw_input.file.open("rb") as handle:
        assert handle.read() == raw  # the exact bytes
    ticket = inbound.ticket
    assert (ticket.channel, ticket.subject, ticket.team) == ("email", "Brake squeaks", team)
    assert ticket.requester.email == "casey@example.com"
    assert ticket.requester.name == "Casey Customer"
    message = ticket.messages.get()
    assert message.email_message_id == message_id_of(raw)
    assert "brakes squeak" in message.body_text


def _first(mailbox, **mail):
    raw = make_mail(**mail)
    return email_receive(raw=raw, mailbox=mailbox), message_id_of(raw)


def test_reply_threads_by_in_reply_to(mailbox):
    first, first_id = _first(mailbox)
    reply = email_receive(raw=make_mail(subject="Re: something else", in_reply_to=first_id), mailbox=mailbox)
    assert reply.outcome == InboundEmail.Outcome.REPLY
    assert reply.ticket == first.ticket
    assert reply.message.email_in_reply_to == first_id


def test_reply_threads_by_references_only(mailbox):
    first, first_id = _first(mailbox)
    refs = f"<unknown@elsewhere.example> {first_id}"
    reply = email_receive(raw=make_mail(subject="Different", references=refs), mailbox=mailbox)
    assert reply.ticket == first.ticket


def test_reply_threads_by_subject_token(mailbox):
    first, _id = _first(mailbox)
    number = first.ticket.number
    reply = email_receive(raw=make_mail(subject=f"AW: [#{number}] Brake squeaks"), mailbox=mailbox)
    assert (reply.outcome, reply.ticket) == (InboundEmail.Outcome.REPLY, first.ticket)


def test_reply_threads_by_plus_address(mailbox):
    first, _id = _first(mailbox)
    to = f"support+{first.ticket.number}@helmdesk.test"
    reply = email_receive(raw=make_mail(subject="no token", to=to), mailbox=mailbox)
    assert reply.ticket == first.ticket


def test_a_token_of_someone_elses_ticket_makes_a_new_ticket(mailbox):
    first, _id = _first(mailbox)
    stranger = make_mail(sender="mallory@evil.example", subject=f"Re: [#{first.ticket.number}] hi")
    other = email_receive(raw=stranger, mailbox=mailbox)
    assert other.outcome == InboundEmail.Outcome.TICKET
    assert other.ticket != first.ticket
    assert first.ticket.messages.count() == 1


def test_subject_threading_is_per_mailbox_and_bounded_in_days(mailbox):
    first, _id = _first(mailbox, subject="Invoice question")
    off = email_receive(raw=make_mail(subject="Re: Invoice question"), mailbox=mailbox)
    assert off.ticket != first.ticket  # off by default
    _close(off.ticket)

    mailbox.thread_by_subject_days = 3
    mailbox.save()
    on = email_receive(raw=make_mail(subject="RE: invoice  question"), mailbox=mailbox)
    assert on.ticket == first.ticket

    Ticket.objects.filter(pk=first.ticket.pk).update(last_message_at=timezone.now() - dt.timedelta(days=4))
    late = email_receive(raw=make_mail(subject="Re: Invoice question"), mailbox=mailbox)
    assert late.ticket not in (first.ticket, off.ticket)


def _close(ticket):
    for status in (TicketStatus.OPEN, TicketStatus.SOLVED, TicketStatus.CLOSED):
        ticket = ticket_transition(ticket=ticket, to_status=status, actor_label="test")
    return ticket


OUTLOOK_REPLY = """Thanks, the new pads fixed it.

-----Original Message-----
From: Support <support@helmdesk.test>
Sent: Monday, March 4, 2024 10:00 AM
To: Casey <casey@example.com>
Subject: RE: [#{number}] Brake squeaks

Please replace the pads.
"""


def test_outlook_style_reply_without_thread_headers_threads_by_token_and_cuts_the_quote(mailbox):
    first, _id = _first(mailbox)
    number = first.ticket.number
    body = OUTLOOK_REPLY.format(number=number)
    reply = email_receive(raw=make_mail(subject=f"RE: [#{number}] Brake squeaks", body=body), mailbox=mailbox)
    assert reply.ticket == first.ticket
    assert reply.message.body_text == "Thanks, the new pads fixed it."
    assert "Please replace the pads." in reply.full_text  # "show quoted" keeps everything


def test_gmail_style_quote_and_signature_are_cut_from_the_shown_text(mailbox):
    body = "Works now, thanks!\n\n-- \nCasey\nNorthwind fan\n\nOn Mon, 4 Mar 2024 at 10:00, Support wrote:\n> Try this\n"
    inbound, _id = _first(mailbox, body=body)
    assert inbound.message.body_text == "Works now, thanks!"
    assert "> Try this" in inbound.full_text


def test_forwarded_mail_with_an_attached_message_is_a_new_ticket_with_the_attachment(mailbox):
    raw = (FIXTURES / "mikel_mail/attachment_emails/attachment_message_rfc822.eml").read_bytes()
    inbound = email_receive(raw=raw, mailbox=mailbox)
    assert inbound.outcome == InboundEmail.Outcome.TICKET
    attachment = inbound.message.attachments.get()
    assert attachment.content_type == "message/rfc822"
    assert attachment.file.read().startswith(b"")  # stored and readable
    assert attachment.size > 100


def test_a_reply_to_a_closed_ticket_makes_a_linked_follow_up(mailbox):
    first, first_id = _first(mailbox)
    ticket = _close(first.ticket)
    reply = email_receive(raw=make_mail(in_reply_to=first_id), mailbox=mailbox)
    assert reply.outcome == InboundEmail.Outcome.TICKET
    assert reply.ticket.follow_up_of_id == ticket.pk


def test_mail_from_our_own_mailbox_is_ignored(mailbox):
    inbound = email_receive(raw=make_mail(sender=f"Support <{SUPPORT}>"), mailbox=mailbox)
    assert (inbound.outcome, inbound.ticket) == (InboundEmail.Outcome.IGNORED, None)
    assert RawInput.objects.get(pk=inbound.raw_input_id).status == RawInput.Status.IGNORED
    assert not Ticket.objects.exists()


def test_the_same_message_fetched_twice_is_ignored_the_second_time(mailbox):
    raw = make_mail()
    assert email_receive(raw=raw, mailbox=mailbox).outcome == InboundEmail.Outcome.TICKET
    again = email_receive(raw=raw, mailbox=mailbox)
    assert again.outcome == InboundEmail.Outcome.IGNORED
    assert "Duplicate" in again.reason
    assert Message.objects.count() == 1


def test_a_spam_flagged_mail_goes_to_the_spam_list_and_can_be_released(mailbox, settings):
    settings.HELMDESK_EMAIL_SPAM_HEADER = "X-Spam-Score"
    settings.HELMDESK_EMAIL_SPAM_THRESHOLD = 5.0
    ham = email_receive(raw=make_mail(headers={"X-Spam-Score": "1.2"}), mailbox=mailbox)
    spam = email_receive(
        raw=make_mail(subject="Cheap", headers={"X-Spam-Score": "7.5 (high)"}), mailbox=mailbox
    )
    assert ham.outcome == InboundEmail.Outcome.TICKET
    assert spam.outcome == InboundEmail.Outcome.SPAM
    released = quarantine_release(inbound_id=spam.pk)
    assert released.outcome == InboundEmail.Outcome.TICKET
    assert released.ticket.subject == "Cheap"


def test_a_mail_without_sender_is_quarantined_then_discarded_never_lost(mailbox):
    raw = b"To: support@helmdesk.test\r\nSubject: who am I\r\n\r\nno from header\r\n"
    inbound = email_receive(raw=raw, mailbox=mailbox)
    assert inbound.outcome == InboundEmail.Outcome.QUARANTINED
    assert "no sender" in inbound.reason
    assert RawInput.objects.get(pk=inbound.raw_input_id).status == RawInput.Status.QUARANTINED
    assert quarantine_retry(inbound_id=inbound.pk).outcome == InboundEmail.Outcome.QUARANTINED
    discarded = quarantine_discard(inbound_id=inbound.pk, actor_label="alice")
    assert discarded.outcome == InboundEmail.Outcome.DISCARDED
    raw_input = RawInput.objects.get(pk=inbound.raw_input_id)
    assert raw_input.status == RawInput.Status.DISCARDED
    with raw_input.file.open("rb") as handle:
        assert handle.read() == raw


def test_a_processing_failure_is_quarantined_and_retry_succeeds_after_the_fix(mailbox, settings, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    (media / "attachments").write_text("not a folder")  # attachment storage is broken
    settings.MEDIA_ROOT = media
    mail = (FIXTURES / "mikel_mail/attachment_emails/attachment_nonascii_filename.eml").read_bytes()
    inbound = email_receive(raw=mail, mailbox=mailbox)
    assert inbound.outcome == InboundEmail.Outcome.QUARANTINED
    assert not Ticket.objects.exists()

    (media / "attachments").unlink()  # fixed
    retried = quarantine_retry(inbound_id=inbound.pk)
    assert retried.outcome == InboundEmail.Outcome.TICKET
    assert retried.message.attachments.get().filename == "ciële.txt"


def test_nul_bytes_and_broken_charsets_are_stored_cleanly(mailbox):
    raw = (
        b"From: =?x-unknown?Q?J=F6rg?= <jorg@example.com>\r\nTo: support@helmdesk.test\r\n"
        b"Subject: Gr\xfc\xdfe \x00 aus K\xf6ln\r\nContent-Type: text/plain; charset=bogus-8\r\n\r\n"
        b"Sch\xf6ne Gr\xfc\xdfe\x00 und Danke\r\n"
    )
    inbound = email_receive(raw=raw, mailbox=mailbox)
    assert inbound.outcome == InboundEmail.Outcome.TICKET
    assert inbound.ticket.subject == "Grüße  aus Köln"
    assert "Schöne Grüße und Danke" in inbound.message.body_text


def test_cc_addresses_of_the_customer_are_kept_for_the_ticket(mailbox):
    inbound, _id = _first(mailbox, cc=f"Boss <boss@example.com>, {SUPPORT}, noreply@example.com")
    assert list(TicketCc.objects.filter(ticket=inbound.ticket).values_list("address", flat=True)) == [
        "boss@example.com"
    ]


@pytest.mark.parametrize(
    "headers,subject",
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: Brake squeaks"),
        ({"X-Autoreply": "yes"}, "Re: Brake squeaks"),
        ({"Precedence": "bulk"}, "Newsletter"),
        ({"X-Auto-Response-Suppress": "All"}, "Meeting"),
        ({}, "Out of Office: back Monday"),
        ({}, "Automatische Antwort: Urlaub"),
    ],
)
def test_automatic_mails_are_recognised(mailbox, headers, subject):
    inbound, _id = _first(mailbox, headers=headers, subject=subject)
    assert inbound.is_automatic
    assert inbound.outcome == InboundEmail.Outcome.TICKET  # kept as a ticket, never auto-answered


def test_a_person_writing_is_not_automatic(mailbox):
    inbound, _id = _first(mailbox, headers={"Auto-Submitted": "no"})
    assert not inbound.is_automatic


def test_a_refused_attachment_is_named_in_the_text_and_the_mail_still_becomes_a_ticket(mailbox):
    raw = (
        b'From: casey@example.com\r\nSubject: scan\r\nContent-Type: multipart/mixed; boundary="M"\r\n\r\n'
        b"--M\r\nContent-Type: text/plain\r\n\r\nHere is the scan.\r\n"
        b'--M\r\nContent-Type: application/pdf; name="scan.pdf"\r\n\r\nnot really a pdf\r\n'
        b'--M\r\nContent-Type: application/x-msdownload; name="run.exe"\r\n\r\nMZ\r\n--M--\r\n'
    )
    inbound = email_receive(raw=raw, mailbox=mailbox)
    assert inbound.outcome == InboundEmail.Outcome.TICKET
    assert not inbound.message.attachments.exists()
    text = inbound.message.body_text
    assert text.startswith("Here is the scan.")
    assert "scan.pdf" in text and "not accepted" in text


@pytest.mark.parametrize(
    ("headers", "expected"), [({"Auto-Submitted": "auto-replied"}, "draft"), ({}, "answer")]
)
def test_an_automatic_mail_never_gets_an_automatic_ai_answer(mailbox, headers, expected):
    """Even with AI answers by email on, an auto-reply gets at most a draft (no mail loop with a robot)."""
    from ai.models import AISettings
    from ai.selectors.inbound import channel_policy

    settings_row = AISettings.load()
    settings_row.answer_email = True
    settings_row.save()
    inbound, _id = _first(mailbox, headers=headers)
    assert channel_policy(ticket=inbound.ticket) == expected
