"""The other triggers (SLA breach risk, theme spike hook), chat/portal notices, the desk page and the
results (sent, opened, replied, tickets avoided)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.hooks import run_hooks
from helpdesk.models import SLAPolicy
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.tickets import ticket_create
from outreach.models import Channel, OutreachBatch, OutreachEvent, OutreachMessage, TriggerKind
from outreach.selectors.results import rule_results
from outreach.services.batches import batch_approve
from outreach.services.sending import message_send
from outreach.services.triggers import sla_risk_scan
from tests.conftest import make_customer
from tests.outreach.conftest import event_body, make_rule

pytestmark = pytest.mark.django_db
ALL_DAY = [["00:00", "24:00"]]


def _approve_all():
    for batch in OutreachBatch.objects.filter(status=OutreachBatch.Status.PENDING):
        batch_approve(batch=batch, actor=None)


def test_an_sla_breach_risk_makes_one_message_per_ticket_whatever_the_number_of_scans(customer, team):
    week = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), ALL_DAY)
    SLAPolicy.objects.create(
        name="24/7", business_hours=week, first_response_minutes={"normal": 120}, breach_soon_minutes=60
    )
    make_rule(
        name="We are on it",
        trigger=TriggerKind.SLA_RISK,
        event_type="",
        channel=Channel.PORTAL,
        body_template="Ticket #{{ data.ticket_number }} ({{ data.ticket_subject }}) is being handled.",
    )
    ticket = ticket_create(requester=customer, subject="Broken chain", body_text="It snapped.", team=team)
    early = ticket.created_at + dt.timedelta(minutes=30)
    soon = ticket.created_at + dt.timedelta(minutes=90)

    assert sla_risk_scan(now=early) == []
    assert len(sla_risk_scan(now=soon)) == 1
    assert sla_risk_scan(now=soon + dt.timedelta(minutes=5)) == []

    message = OutreachMessage.objects.get()
    assert message.customer == customer
    assert message.body == f"Ticket #{ticket.number} (Broken chain) is being handled."


def test_a_theme_spike_fired_through_the_hook_reaches_the_matching_rules_only(
    django_capture_on_commit_callbacks,
):
    riders = [make_customer(f"rider{i}@example.com", f"Rider {i}") for i in range(3)]
    make_rule(
        name="Battery",
        trigger=TriggerKind.THEME_SPIKE,
        event_type="battery",
        channel=Channel.CHAT,
        body_template="We know about {{ data.theme|lower }}; a fix ships this week.",
    )
    make_rule(name="Brakes", trigger=TriggerKind.THEME_SPIKE, event_type="brakes", body_template="Brakes.")

    with django_capture_on_commit_callbacks(execute=True):
        run_hooks(
            "theme_spiked",
            theme_key="t-17",
            label="Battery drains fast",
            period="2026-W49",
            customer_ids=[c.pk for c in riders],
        )
        run_hooks(
            "theme_spiked",
            theme_key="t-17",
            label="Battery drains fast",
            period="2026-W49",
            customer_ids=[c.pk for c in riders],
        )

    batch = OutreachBatch.objects.get()
    assert batch.rule.name == "Battery" and batch.channel == Channel.CHAT
    assert batch.messages.count() == 3
    assert batch.messages.first().body == "We know about battery drains fast; a fix ships this week."


def test_portal_notices_are_shown_once_and_count_as_opened(client, post_event, customer):
    make_rule(channel=Channel.PORTAL)
    post_event(event_body(email=customer.email))
    _approve_all()
    [message] = OutreachMessage.objects.all()
    assert message_send(message_id=message.pk) == OutreachMessage.Status.SENT

    assert client.get("/outreach/notices/?channel=portal").json() == {"notices": []}  # nobody signed in
    session = client.session
    session["portal_customer_id"] = customer.pk
    session.save()
    shown = client.get("/outreach/notices/?channel=portal").json()["notices"]
    assert [n["body"] for n in shown] == [message.body]
    assert client.get("/outreach/notices/?channel=portal").json() == {"notices": []}
    [result] = rule_results()
    assert (result.sent, result.opened) == (1, 1)


def test_results_count_replies_within_three_days(post_event, customer):
    make_rule()
    post_event(event_body(email=customer.email))
    _approve_all()
    message = OutreachMessage.objects.get()
    message_send(message_id=message.pk)
    conversation_receive(channel="web", sender=customer, subject="Re: order", body_text="Thanks, fine by me.")

    [result] = rule_results()
    assert (result.sent, result.opened, result.replied) == (1, None, 1)  # email: opens not measured


def test_tickets_avoided_compares_with_earlier_events_without_outreach(post_event, team):
    earlier = [make_customer(f"past{i}@example.com", f"Past {i}") for i in range(2)]
    long_ago = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
    for i, past in enumerate(earlier):  # no rule yet: these events got no outreach
        post_event(event_body(email=past.email, order=f"OLD-{i}"))
        OutreachEvent.objects.filter(customer=past).update(received_at=long_ago)
        ticket = ticket_create(requester=past, subject="Where is my order?", body_text="Late.", team=team)
        type(ticket).objects.filter(pk=ticket.pk).update(created_at=long_ago + dt.timedelta(hours=5))
    make_rule()
    reached = make_customer("now@example.com", "Now")
    post_event(event_body(email=reached.email, order="NEW-1"))
    _approve_all()
    message_send(message_id=OutreachMessage.objects.get().pk)

    [result] = rule_results()
    assert result.sent == 1
    assert (result.avoided, result.baseline_events) == (1.0, 2)  # expected 1 ticket per customer, got 0


def test_the_desk_page_shows_pending_batches_with_a_preview_and_the_results(client_agent, client, post_event):
    make_rule()
    post_event(event_body())

    page = client_agent.get("/desk/outreach/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Hi Casey, your order NW-1042 will arrive on 9 December." in html
    assert "/desk/outreach/batches/" in html and "Order delayed" in html
    client.logout()
    assert client.get("/desk/outreach/").status_code == 302  # sign in first


def test_a_portal_notice_is_shown_once_as_a_banner_on_the_portal(client, post_event, customer):
    make_rule(channel=Channel.PORTAL)
    post_event(event_body(email=customer.email))
    _approve_all()
    [message] = OutreachMessage.objects.all()
    message_send(message_id=message.pk)

    assert "portal-notice" not in client.get("/portal/login/").content.decode()  # nobody signed in
    session = client.session
    session["portal_customer_id"] = customer.pk
    session.save()
    page = client.get("/portal/tickets/").content.decode()
    assert 'class="portal-notice"' in page and message.subject in page
    assert "portal-notice" not in client.get("/portal/tickets/").content.decode()  # shown once
    [result] = rule_results()
    assert result.opened == 1
