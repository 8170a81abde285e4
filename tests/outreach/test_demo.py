"""The outreach demo: one rule, one approved and sent batch, one waiting, one open incident; once."""

from __future__ import annotations

import datetime as dt

import pytest

from demo.outreach_demo import load
from outreach.models import Incident, OutreachBatch, OutreachMessage, OutreachRule
from outreach.selectors.results import rule_results

pytestmark = pytest.mark.django_db


def test_the_demo_shows_an_approved_outreach_and_an_incident(admin_agent, customer, smtp_server):
    now = dt.datetime(2026, 12, 3, 11, 0, tzinfo=dt.UTC)

    load(now=now)

    rule = OutreachRule.objects.get()
    approved = OutreachBatch.objects.get(status=OutreachBatch.Status.APPROVED)
    assert approved.rule == rule and approved.decided_by == admin_agent.user
    sent = OutreachMessage.objects.get(status=OutreachMessage.Status.SENT)
    assert sent.sent_at < now and "NW-1042" in sent.body
    assert OutreachBatch.objects.filter(status=OutreachBatch.Status.PENDING).count() == 1
    assert Incident.objects.get().status == Incident.Status.OPEN
    [result] = rule_results()
    assert result.sent == 1 and result.baseline_events == 2
    assert [m["To"] for m in smtp_server.messages] == [sent.customer.email]

    load(now=now)
    assert OutreachRule.objects.count() == 1 and OutreachMessage.objects.count() == 2
