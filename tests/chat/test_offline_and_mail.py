"""Offline mode (business hours of the SLA policy, agents online), an offline conversation answered
by email, "email me the transcript" (own address only, rate-limited) and files from the widget
through the desk's attachment limits."""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from django.core import mail
from django.test import Client
from django.utils import timezone

from chat.models import AgentChatCapacity, ChatSession
from chat.selectors.widgets import widget_availability
from chat.services.sessions import chat_accept, chat_agent_reply, chat_message_receive
from chat.services.visitors import visitor_identify
from helpdesk.models import Attachment, Message, SLAPolicy
from tests.chat.helpers import ORIGIN, connect, frames_until, hello, make_widget, say

pytestmark = pytest.mark.django_db(transaction=True)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAY = [["00:00", "24:00"]]
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def policy(*, open_today: bool) -> SLAPolicy:
    today = WEEKDAYS[timezone.now().astimezone(dt.UTC).weekday()]
    yesterday = WEEKDAYS[(WEEKDAYS.index(today) - 1) % 7]
    closed = {today, yesterday}
    hours = {day: ALL_DAY if open_today or day not in closed else [] for day in WEEKDAYS}
    return SLAPolicy.objects.create(name="Support hours", time_zone="UTC", business_hours=hours)


def chat_mails():
    """Mail to real addresses (the email channel also notifies the ticket's requester of agents'
    replies: for an anonymous visitor a placeholder address that never delivers)."""
    return [m for m in mail.outbox if not m.to[0].endswith(".invalid")]


def agent_seen(agent):
    AgentChatCapacity.objects.create(agent=agent, last_seen_at=timezone.now())


def test_widget_is_offline_outside_business_hours_even_with_an_agent_online(agent, team):
    policy(open_today=False)
    agent_seen(agent)
    widget = make_widget(team=team)
    assert widget_availability(widget=widget) == widget_availability(widget=widget).__class__(False, "hours")
    widget.use_business_hours = False
    widget.save()
    assert widget_availability(widget=widget).online


def test_widget_is_online_in_business_hours_only_with_an_agent_of_its_team(agent, team, other_team):
    policy(open_today=True)
    widget = make_widget(team=team)
    assert (widget_availability(widget=widget).online, widget_availability(widget=widget).reason) == (
        False, "agents",
    )  # fmt: skip
    agent_seen(agent)
    assert widget_availability(widget=widget).online
    widget.team = other_team
    widget.save()
    assert not widget_availability(widget=widget).online  # the online agent is not in its team


def test_welcome_tells_the_widget_it_is_offline(team):
    policy(open_today=False)
    widget = make_widget(team=team)

    async def scenario():
        ws = await connect(widget)
        welcome = await hello(ws)
        await ws.disconnect()
        return welcome

    welcome = async_to_sync(scenario)()
    assert welcome["widget"]["online"] is False and welcome["widget"]["offline_reason"] == "hours"
    assert welcome["widget"]["offline_text"] == widget.offline_text


def test_offline_conversation_is_answered_by_email_when_the_visitor_left_one(agent, team):
    policy(open_today=False)
    widget = make_widget(team=team)
    visitor = visitor_identify(widget=widget, name="Robin", email="robin@example.org").visitor
    message = chat_message_receive(visitor=visitor, text="Do you ship to Austria?", client_id="c-1")
    session = ChatSession.objects.get(ticket_id=message.ticket_id)
    assert session.offline and session.ticket.channel == "chat"

    reply = chat_agent_reply(session=session, agent=agent, text="Yes, in 3 to 5 days.", client_id="a-1")

    reply.refresh_from_db()
    assert reply.delivery_channel == "chat" and reply.delivery_status == "sent"
    assert [m.to for m in chat_mails()] == [["robin@example.org"]]
    assert "Yes, in 3 to 5 days." in chat_mails()[0].body
    assert session.ticket.subject in chat_mails()[0].subject


def test_offline_conversation_without_email_stays_in_the_chat(agent, team):
    policy(open_today=False)
    widget = make_widget(team=team)
    visitor = visitor_identify(widget=widget, name="Robin").visitor
    message = chat_message_receive(visitor=visitor, text="Do you ship to Austria?", client_id="c-1")
    session = ChatSession.objects.get(ticket_id=message.ticket_id)
    reply = chat_agent_reply(session=session, agent=agent, text="Yes.", client_id="a-1")
    reply.refresh_from_db()
    assert reply.delivery_status == "sent" and chat_mails() == []


def test_online_conversation_is_not_emailed(agent, team):
    policy(open_today=True)
    agent_seen(agent)
    widget = make_widget(team=team)
    visitor = visitor_identify(widget=widget, email="robin@example.org").visitor
    message = chat_message_receive(visitor=visitor, text="Hello?", client_id="c-1")
    session = chat_accept(session=ChatSession.objects.get(ticket_id=message.ticket_id), agent=agent)
    assert not session.offline
    chat_agent_reply(session=session, agent=agent, text="Hi!", client_id="a-1")
    assert chat_mails() == []


def test_transcript_goes_to_the_conversations_own_email_once_a_minute(agent, team):
    widget = make_widget(team=team)

    async def scenario():
        ws = await connect(widget)
        await hello(ws, name="Robin", email="robin@example.org")
        await say(ws, "Where is my order 1234?", "c-1")
        await ws.send_json_to({"type": "transcript"})
        sent = await frames_until(ws, lambda f: f["type"] in ("transcript_sent", "error"))
        await ws.send_json_to({"type": "transcript"})
        again = await frames_until(ws, lambda f: f["type"] in ("transcript_sent", "error"))
        await ws.disconnect()
        return sent[-1], again[-1]

    sent, again = async_to_sync(scenario)()
    assert sent == {"type": "transcript_sent", "to": "r***@example.org"}
    assert again["type"] == "error" and again["code"] == "refused"
    assert [m.to for m in chat_mails()] == [["robin@example.org"]]
    assert "Where is my order 1234?" in chat_mails()[0].body


def test_transcript_needs_an_email(team):
    widget = make_widget(team=team)

    async def scenario():
        ws = await connect(widget)
        await hello(ws)
        await say(ws, "Hello", "c-1")
        await ws.send_json_to({"type": "transcript"})
        frames = await frames_until(ws, lambda f: f["type"] in ("transcript_sent", "error"))
        await ws.disconnect()
        return frames[-1]

    assert async_to_sync(scenario)()["code"] == "refused"
    assert mail.outbox == []


def _upload(widget, token, name, data, content_type, *, origin=ORIGIN, client_id="f-1", text=""):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return Client().post(
        f"/chat/{widget.key}/upload/",
        {"token": token, "client_id": client_id, "text": text,
         "file": SimpleUploadedFile(name, data, content_type=content_type)},
        HTTP_ORIGIN=origin,
    )  # fmt: skip


def test_widget_file_joins_the_visitors_conversation(team):
    widget = make_widget(team=team)
    identified = visitor_identify(widget=widget, name="Robin")
    response = _upload(widget, identified.token, "invoice.pdf", PDF, "application/pdf", text="My invoice")
    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    message = Message.objects.get(ticket_id=response.json()["ticket"], seq=response.json()["seq"])
    assert message.body_text == "My invoice" and message.author_customer == identified.visitor.customer
    attachment = message.attachments.get()
    assert (attachment.filename, attachment.content_type) == ("invoice.pdf", "application/pdf")
    # the same client id again stores nothing more
    assert _upload(widget, identified.token, "invoice.pdf", PDF, "application/pdf").status_code == 200
    assert Attachment.objects.count() == 1


def test_widget_files_are_sniffed_size_limited_and_origin_checked(team, settings):
    widget = make_widget(team=team)
    token = visitor_identify(widget=widget).token
    disguised = _upload(widget, token, "photo.png", b"#!/bin/sh\nrm -rf /\n", "image/png")
    assert disguised.status_code == 422 and "does not look like" in disguised.json()["text"]
    settings.HELMDESK_ATTACHMENT_MAX_BYTES = 50
    large = _upload(widget, token, "big.pdf", PDF, "application/pdf", client_id="f-2")
    assert large.status_code == 422 and "too large" in large.json()["text"]
    assert (
        _upload(widget, token, "a.pdf", PDF, "application/pdf", origin="https://evil.example").status_code
        == 403
    )
    assert _upload(widget, "not-a-token", "a.pdf", PDF, "application/pdf").status_code == 400
    widget.allow_attachments = False
    widget.save()
    settings.HELMDESK_ATTACHMENT_MAX_BYTES = 10_000
    assert _upload(widget, token, "a.pdf", PDF, "application/pdf", client_id="f-3").status_code == 422
    assert Attachment.objects.count() == 0 and Message.objects.count() == 0
