"""An agent's reply on a web ticket is also mailed (the portal's promise), threads back, and can
be turned off. Real SMTP (aiosmtpd)."""

from __future__ import annotations

import pytest

from emailchannel.models import InboundEmail, OutboundEmail
from emailchannel.services.inbound import email_receive
from emailchannel.services.notify import web_reply_notify
from helpdesk.services.delivery import reply_send
from helpdesk.services.messages import note_add
from helpdesk.services.portal import magic_link_request
from helpdesk.services.tickets import ticket_transition, ticket_update
from tests.emailchannel.conftest import make_mail

pytestmark = pytest.mark.django_db


def test_an_agent_reply_on_a_web_ticket_is_mailed_and_the_answer_threads_back(
    ticket, agent, mailbox, smtp_server, django_capture_on_commit_callbacks
):
    assert ticket.channel == "web"
    with django_capture_on_commit_callbacks(execute=True):
        message = reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="Fixed it.")
    [mail] = smtp_server.messages
    assert smtp_server.envelopes[0].rcpt_tos == [ticket.requester.email]
    assert f"[#{ticket.number}]" in mail["Subject"]
    assert "Fixed it." in mail.get_body(("plain",)).get_content()
    message.refresh_from_db()
    assert message.delivery_channel == "web"  # the reply itself is the portal's; the mail is extra

    assert web_reply_notify(message_id=message.pk) is True  # again: not mailed twice
    assert len(smtp_server.envelopes) == 1

    answer = make_mail(
        sender=ticket.requester.email, subject=f"Re: {mail['Subject']}", in_reply_to=mail["Message-ID"]
    )
    inbound = email_receive(raw=answer, mailbox=mailbox)
    assert (inbound.outcome, inbound.ticket) == (InboundEmail.Outcome.REPLY, ticket)


def test_notes_and_disabled_setting_send_nothing(
    ticket, agent, settings, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note_add(ticket=ticket, author_agent=agent, body_text="internal only")
    settings.HELMDESK_EMAIL_WEB_REPLIES = False
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="Portal only.")
    assert smtp_server.envelopes == []
    assert not OutboundEmail.objects.exists()


def test_csat_surveys_and_sign_in_links_leave_from_our_mailbox_marked_automatic(
    ticket, agent, mailbox, smtp_server, django_capture_on_commit_callbacks
):
    ticket_update(ticket=ticket, assignee=agent, actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(ticket=ticket, to_status="solved", actor=agent)
    magic_link_request(email=ticket.requester.email, ip="203.0.113.9")
    survey, link = smtp_server.messages
    for mail in (survey, link):
        assert mail["From"].addresses[0].addr_spec == mailbox.address
        assert mail["Auto-Submitted"] == "auto-generated"
    assert "/portal/csat/" in survey.get_body(("plain",)).get_content()
    assert "/portal/login/" in link.get_body(("plain",)).get_content()
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [[ticket.requester.email]] * 2


def test_an_agent_reply_on_a_chat_ticket_is_not_mailed_by_the_web_reply_notice(
    customer, team, agent, smtp_server, django_capture_on_commit_callbacks
):
    from helpdesk.services.tickets import ticket_create

    chat_ticket = ticket_create(requester=customer, subject="Chat", body_text="hi", channel="chat", team=team)
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(ticket=chat_ticket, author_kind="agent", author_agent=agent, body_text="Hello there.")
    assert smtp_server.envelopes == []
