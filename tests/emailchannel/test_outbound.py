"""Mail out through a real SMTP server (aiosmtpd): headers, threading, loop protection, failures."""

from __future__ import annotations

import pytest

from ai.models import AISettings
from emailchannel.models import InboundEmail, OutboundEmail
from emailchannel.services.inbound import email_receive
from helpdesk.models import DeliveryStatus, Message
from helpdesk.services.delivery import delivery_retry_due, message_deliver, reply_send
from tests.emailchannel.conftest import SUPPORT, make_mail, message_id_of

pytestmark = pytest.mark.django_db


def _reply(ticket, capture, *, author_kind="agent", agent=None, body="Please replace the pads."):
    with capture(execute=True):
        return reply_send(ticket=ticket, author_kind=author_kind, author_agent=agent, body_text=body)


def test_an_agent_reply_is_mailed_with_threading_headers(
    mailbox, agent, smtp_server, django_capture_on_commit_callbacks
):
    raw = make_mail(body="My brakes squeak.")
    inbound = email_receive(raw=raw, mailbox=mailbox)
    ticket = inbound.ticket

    message = _reply(ticket, django_capture_on_commit_callbacks, agent=agent)

    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT, message.delivery_error
    [mail] = smtp_server.messages
    assert smtp_server.envelopes[0].rcpt_tos == ["casey@example.com"]
    assert mail["From"].addresses[0].addr_spec == SUPPORT
    assert mail["Subject"] == f"Re: [#{ticket.number}] Brake squeaks"
    assert mail["In-Reply-To"] == message_id_of(raw)
    assert mail["References"] == message_id_of(raw)
    assert mail["Message-ID"].endswith("@helmdesk.test>")
    assert mail["Message-ID"] == message.email_message_id
    assert mail["Auto-Submitted"] is None  # a person wrote it
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Please replace the pads." in text and "Please replace the pads." in html
    assert f"#{ticket.number}" in text
    assert "Sources:" not in text and "Was this helpful?" not in text  # an agent's reply, no citations
    assert OutboundEmail.objects.get(message=message).status == OutboundEmail.Status.SENT


def test_an_ai_answer_is_mailed_with_its_sources_and_a_way_to_say_whether_it_helped(
    mailbox, smtp_server, settings, django_capture_on_commit_callbacks
):
    ticket = email_receive(raw=make_mail(body="How do I store the battery?"), mailbox=mailbox).ticket
    citations = [
        {"article_id": 1, "title": "Battery care", "url": "/help/battery-care/"},
        {"article_id": 2, "title": "An internal note", "url": "https://elsewhere.example/x"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(
            ticket=ticket, author_kind="ai", body_text="Store it at 30-80 %, indoors. [1]",
            citations=citations, ai_mode="extractive",
        )  # fmt: skip
    [mail] = smtp_server.messages
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = mail.get_body(("html",)).get_content()
    site = settings.SITE_URL
    assert f"Sources:\n[1] Battery care: {site}/help/battery-care/\n[2] An internal note\n" in text
    assert f'<a href="{site}/help/battery-care/">Battery care</a>' in html
    assert "elsewhere.example" not in text + html  # only our own help center is linked
    request_page = f"{site}/portal/tickets/{ticket.number}/"
    assert f"Was this helpful? Tell us on your request page: {request_page}" in text
    assert f'<a href="{request_page}">Tell us on your request page</a>' in html


def test_mail_in_agent_reply_out_customer_reply_threads_back(
    mailbox, agent, smtp_server, django_capture_on_commit_callbacks
):
    """End to end: mail in -> ticket -> agent reply -> mail out -> the customer's reply (answering
    the mail we sent, quoting it) lands on the same ticket."""
    first = email_receive(raw=make_mail(), mailbox=mailbox)
    _reply(first.ticket, django_capture_on_commit_callbacks, agent=agent)
    [sent] = smtp_server.messages

    answer = make_mail(
        subject=sent["Subject"].replace("Re: ", "Re: Re: ", 1), in_reply_to=sent["Message-ID"],
        references=f"{sent['References']} {sent['Message-ID']}",
        body="Done, it is quiet now.\n\nOn Tue, Support wrote:\n> Please replace the pads.\n",
    )  # fmt: skip
    reply = email_receive(raw=answer, mailbox=mailbox)

    assert (reply.outcome, reply.ticket) == (InboundEmail.Outcome.REPLY, first.ticket)
    assert reply.message.body_text == "Done, it is quiet now."
    assert list(first.ticket.messages.values_list("author_kind", flat=True)) == [
        "customer",
        "agent",
        "customer",
    ]


def test_automatic_replies_carry_auto_submitted(mailbox, smtp_server, django_capture_on_commit_callbacks):
    inbound = email_receive(raw=make_mail(), mailbox=mailbox)
    _reply(inbound.ticket, django_capture_on_commit_callbacks, author_kind="ai", body="Try new pads.")
    [mail] = smtp_server.messages
    assert mail["Auto-Submitted"] == "auto-replied"


def test_header_injection_in_subject_and_names_is_impossible(
    mailbox, agent, smtp_server, django_capture_on_commit_callbacks
):
    raw = make_mail(subject="Help")
    inbound = email_receive(raw=raw, mailbox=mailbox)
    ticket = inbound.ticket
    type(ticket).objects.filter(pk=ticket.pk).update(subject="Help\r\nBcc: victim@example.org")
    ticket.refresh_from_db()
    _reply(ticket, django_capture_on_commit_callbacks, agent=agent)
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["casey@example.com"]
    headers = envelope.content.split(b"\r\n\r\n", 1)[0]
    assert b"\nBcc:" not in headers
    assert smtp_server.messages[0]["Subject"] == f"Re: [#{ticket.number}] Help Bcc: victim@example.org"


def test_an_auto_reply_never_gets_an_automatic_answer(
    mailbox, smtp_server, django_capture_on_commit_callbacks
):
    vacation = make_mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"})
    inbound = email_receive(raw=vacation, mailbox=mailbox)
    message = _reply(inbound.ticket, django_capture_on_commit_callbacks, author_kind="system", body="Got it")
    assert smtp_server.envelopes == []
    log = OutboundEmail.objects.get(message=message)
    assert log.status == OutboundEmail.Status.SUPPRESSED
    assert "automatic" in log.detail


def test_noreply_senders_never_get_automatic_mail(mailbox, smtp_server, django_capture_on_commit_callbacks):
    inbound = email_receive(raw=make_mail(sender="noreply@shop.example"), mailbox=mailbox)
    _reply(inbound.ticket, django_capture_on_commit_callbacks, author_kind="ai")
    assert smtp_server.envelopes == []


def test_an_auto_responder_ping_pong_stops_after_the_cap(
    mailbox, smtp_server, settings, django_capture_on_commit_callbacks
):
    """Another system answers every mail with a fresh, innocent-looking mail (no auto headers). Our
    automatic answers stop at the per-address cap; its mails keep being stored."""
    settings.HELMDESK_EMAIL_AUTO_REPLY_CAP = 3
    inbound = email_receive(
        raw=make_mail(sender="robot@other.example", subject="Ticket received"), mailbox=mailbox
    )
    ticket = inbound.ticket
    for _round in range(8):
        _reply(ticket, django_capture_on_commit_callbacks, author_kind="system", body="We got your mail.")
        if smtp_server.envelopes:
            last = smtp_server.messages[-1]
            answer = make_mail(
                sender="robot@other.example", subject="Ticket received", in_reply_to=last["Message-ID"]
            )
            email_receive(raw=answer, mailbox=mailbox)
    assert len(smtp_server.envelopes) == 3
    statuses = list(OutboundEmail.objects.order_by("id").values_list("status", flat=True))
    assert statuses == ["sent"] * 3 + ["suppressed"] * 5


def test_a_failed_send_keeps_the_reply_and_the_retry_sends_it_once(
    mailbox, agent, settings, smtp_server, django_capture_on_commit_callbacks
):
    inbound = email_receive(raw=make_mail(), mailbox=mailbox)
    real_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    message = _reply(inbound.ticket, django_capture_on_commit_callbacks, agent=agent)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "Connection" in message.delivery_error or "refused" in message.delivery_error.lower()
    assert not OutboundEmail.objects.exists()

    settings.EMAIL_PORT = real_port
    Message.objects.filter(pk=message.pk).update(created_at=message.created_at.replace(year=2000))
    assert delivery_retry_due() == {message.pk: DeliveryStatus.SENT}
    assert message_deliver(message_id=message.pk) == DeliveryStatus.SENT  # again: nothing more
    assert len(smtp_server.envelopes) == 1


def test_agent_replies_go_to_the_customers_cc(
    mailbox, agent, smtp_server, django_capture_on_commit_callbacks
):
    inbound = email_receive(raw=make_mail(cc="boss@example.com"), mailbox=mailbox)
    _reply(inbound.ticket, django_capture_on_commit_callbacks, agent=agent)
    assert sorted(smtp_server.envelopes[0].rcpt_tos) == ["boss@example.com", "casey@example.com"]


def test_a_bounce_marks_the_delivery_failed_and_is_noted_on_the_ticket(
    mailbox, agent, smtp_server, django_capture_on_commit_callbacks
):
    inbound = email_receive(raw=make_mail(), mailbox=mailbox)
    message = _reply(inbound.ticket, django_capture_on_commit_callbacks, agent=agent)
    [sent] = smtp_server.messages
    bounce = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\nTo: support@helmdesk.test\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <b1@mx.example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
        "Final-Recipient: rfc822; casey@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {sent['Message-ID']}\r\n"
        "Subject: whatever\r\n--B--\r\n"
    ).encode()
    result = email_receive(raw=bounce, mailbox=mailbox)
    assert (result.outcome, result.ticket) == (InboundEmail.Outcome.BOUNCE, inbound.ticket)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "550 5.1.1 user unknown" in message.delivery_error
    note = inbound.ticket.messages.filter(is_internal=True).get()
    assert "bounced" in note.body_text
    assert message_deliver(message_id=message.pk) == DeliveryStatus.FAILED  # never re-mailed
    assert len(smtp_server.envelopes) == 1


def test_with_email_answers_on_the_ai_replies_by_mail_marked_automatic(
    mailbox, smtp_server, settings, django_capture_on_commit_callbacks
):
    """Mail in -> the AI (extractive mode, no knowledge: it answers or hands off) -> mail out over
    SMTP, threaded to the customer's mail and marked Auto-Submitted."""
    settings.HELMDESK_AI_INBOUND = True
    ai_settings = AISettings.load()
    ai_settings.answer_email = True
    ai_settings.save()
    raw = make_mail(subject="Where is my order?", body="I ordered a bike two weeks ago. Where is it?")
    with django_capture_on_commit_callbacks(execute=True):
        inbound = email_receive(raw=raw, mailbox=mailbox)
    replies = inbound.ticket.messages.filter(author_kind__in=["ai", "system"], is_internal=False)
    assert replies.exists()
    assert len(smtp_server.envelopes) == replies.count()
    mail = smtp_server.messages[0]
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["In-Reply-To"] == message_id_of(raw)
