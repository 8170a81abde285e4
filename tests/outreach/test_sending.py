"""Approval, real mail out (aiosmtpd), rate limits, quiet hours, unsubscribe and suppression, retries
that never send twice, the audit trail."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from helpdesk.models import SLAPolicy
from outreach.models import OutreachAudit, OutreachBatch, OutreachMessage, Suppression
from outreach.services.batches import batch_approve
from outreach.services.sending import batch_send, message_send, messages_send_due
from outreach.services.suppression import suppression_add
from tests.outreach.conftest import event_body, make_rule

pytestmark = pytest.mark.django_db
Status = OutreachMessage.Status


def _approve_in_desk(client, batch, capture):
    with capture(execute=True):
        return client.post(f"/desk/outreach/batches/{batch.pk}/approve/")


def test_nothing_is_sent_until_an_agent_approves_then_the_mail_leaves_with_an_unsubscribe_link(
    rule, post_event, client_agent, agent, smtp_server, django_capture_on_commit_callbacks
):
    post_event(event_body())
    batch = OutreachBatch.objects.get()
    assert batch_send(batch_id=batch.pk) == {}  # pending messages are not sendable
    assert smtp_server.messages == []

    response = _approve_in_desk(client_agent, batch, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == OutreachBatch.Status.APPROVED and batch.decided_by == agent.user
    [mail] = smtp_server.messages
    assert smtp_server.envelopes[0].rcpt_tos == ["casey@example.com"]
    assert mail["Subject"] == "Order NW-1042"
    assert mail["Auto-Submitted"] == "auto-generated"
    text = mail.get_body(("plain",)).get_content()
    assert "Hi Casey, your order NW-1042 will arrive on 9 December." in text
    assert re.search(r"http://\S+/outreach/unsubscribe/\S+/", text)
    message = OutreachMessage.objects.get()
    assert message.status == Status.SENT and message.sent_at is not None
    actions = list(OutreachAudit.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["batch_created", "batch_approved", "sent"]
    sent = OutreachAudit.objects.get(action="sent")
    assert sent.message == message and "casey@example.com" in sent.detail
    assert OutreachAudit.objects.get(action="batch_approved").actor == agent.user


def test_a_rejected_batch_sends_nothing_and_says_who_rejected_it(
    rule, post_event, client_agent, agent, smtp_server, django_capture_on_commit_callbacks
):
    post_event(event_body())
    batch = OutreachBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_agent.post(f"/desk/outreach/batches/{batch.pk}/reject/", {"note": "wrong date"})

    assert OutreachMessage.objects.get().status == Status.REJECTED
    assert messages_send_due() == {}
    assert smtp_server.messages == []
    audit = OutreachAudit.objects.get(action="batch_rejected")
    assert audit.actor == agent.user and "wrong date" in audit.detail


def test_a_rule_without_approval_sends_at_once(post_event, smtp_server, django_capture_on_commit_callbacks):
    make_rule(requires_approval=False)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(event_body())

    assert len(smtp_server.messages) == 1
    assert OutreachAudit.objects.get(action="batch_approved").actor_label == "rule without approval step"


def _approved_messages(post_event, *bodies):
    for body in bodies:
        post_event(body)
    for batch in OutreachBatch.objects.filter(status=OutreachBatch.Status.PENDING):
        batch_approve(batch=batch, actor=None)
    return list(OutreachMessage.objects.order_by("pk"))


def test_the_rule_rate_limit_skips_a_second_message_the_same_day(post_event, smtp_server):
    make_rule(max_per_customer_per_day=1)
    first, second = _approved_messages(post_event, event_body(order="NW-1"), event_body(order="NW-2"))
    now = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)

    assert message_send(message_id=first.pk, now=now) == Status.SENT
    assert message_send(message_id=second.pk, now=now + dt.timedelta(hours=2)) == Status.SKIPPED

    second.refresh_from_db()
    assert "rate limit: 1 per day from this rule" in second.skip_reason
    assert len(smtp_server.messages) == 1
    assert OutreachAudit.objects.get(action="skipped").message == second


def test_the_overall_cap_counts_every_rule(post_event, smtp_server, settings):
    settings.HELMDESK_OUTREACH_MAX_PER_CUSTOMER_PER_DAY = 1
    make_rule()
    make_rule(name="Second rule")  # same event type: two rules, one customer
    first, second = _approved_messages(post_event, event_body())
    now = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)

    statuses = [message_send(message_id=m.pk, now=now) for m in (first, second)]

    assert statuses == [Status.SENT, Status.SKIPPED]
    second.refresh_from_db()
    assert "1 outreach messages per day in all" in second.skip_reason
    # a day later the customer may hear from us again
    later = _approved_messages(post_event, event_body(order="NW-9"))[-1]
    assert message_send(message_id=later.pk, now=now + dt.timedelta(days=1, minutes=1)) == Status.SENT


def test_quiet_hours_defer_the_message_to_the_next_opening_and_never_drop_it(post_event, smtp_server):
    make_rule(respect_quiet_hours=True)
    day = [["09:00", "17:00"]]
    SLAPolicy.objects.create(
        name="Company",
        time_zone="Europe/Berlin",
        business_hours={"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": [], "sun": []},
    )
    [message] = _approved_messages(post_event, event_body())
    saturday_night = dt.datetime(2026, 12, 5, 22, 0, tzinfo=dt.UTC)

    assert message_send(message_id=message.pk, now=saturday_night) == Status.SCHEDULED

    message.refresh_from_db()
    monday_nine_berlin = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    assert message.send_after == monday_nine_berlin
    assert smtp_server.messages == []
    assert "quiet hours" in OutreachAudit.objects.get(action="deferred").detail
    assert messages_send_due(now=monday_nine_berlin - dt.timedelta(minutes=1)) == {}
    assert messages_send_due(now=monday_nine_berlin + dt.timedelta(minutes=1)) == {message.pk: Status.SENT}
    assert len(smtp_server.messages) == 1


def test_the_unsubscribe_link_adds_the_address_to_the_suppression_list(
    rule, post_event, client, smtp_server, django_capture_on_commit_callbacks
):
    [message] = _approved_messages(post_event, event_body(order="NW-1"))
    with django_capture_on_commit_callbacks(execute=True):
        message_send(message_id=message.pk)
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    path = re.search(r"http://[^/]+(/outreach/unsubscribe/\S+/)", text).group(1)

    page = client.get(path)  # a link scanner's GET changes nothing
    assert page.status_code == 200 and b"casey@example.com" in page.content
    assert not Suppression.objects.exists()
    assert client.post(path).status_code == 200
    assert Suppression.objects.get().reason == Suppression.Reason.UNSUBSCRIBED

    later = _approved_messages(post_event, event_body(order="NW-2"))[-1]
    assert later.status == Status.SKIPPED  # known at build time: the preview says so
    assert "suppressed" in later.skip_reason
    assert len(smtp_server.messages) == 1


def test_a_forged_unsubscribe_token_is_refused(client):
    response = client.post("/outreach/unsubscribe/eyJlIjoiY2FzZXlAZXhhbXBsZS5jb20ifQ:forged/")
    assert response.status_code == 400
    assert not Suppression.objects.exists()


def test_an_address_suppressed_after_approval_is_skipped_when_sending(rule, post_event, smtp_server):
    [message] = _approved_messages(post_event, event_body())
    suppression_add(email="CASEY@example.com")

    assert message_send(message_id=message.pk) == Status.SKIPPED
    assert smtp_server.messages == []


def test_retries_never_send_twice_and_a_failed_send_is_retried(rule, post_event, smtp_server, settings):
    [message] = _approved_messages(post_event, event_body())
    real_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there: the mail cannot leave

    assert message_send(message_id=message.pk) == Status.SCHEDULED  # kept for the next sweep
    message.refresh_from_db()
    assert message.error and message.attempts == 1
    assert OutreachAudit.objects.filter(action="failed").count() == 1

    settings.EMAIL_PORT = real_port
    assert messages_send_due() == {message.pk: Status.SENT}
    assert message_send(message_id=message.pk) == Status.SENT  # a retried task: nothing more
    assert batch_send(batch_id=message.batch_id) == {}
    assert messages_send_due() == {}
    assert len(smtp_server.messages) == 1
    assert OutreachAudit.objects.filter(action="sent").count() == 1


def test_a_message_interrupted_while_sending_is_never_sent_again(rule, post_event, smtp_server):
    [message] = _approved_messages(post_event, event_body())
    claimed = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
    OutreachMessage.objects.filter(pk=message.pk).update(status=Status.SENDING, claimed_at=claimed)

    messages_send_due(now=claimed + dt.timedelta(hours=1))

    message.refresh_from_db()
    assert message.status == Status.UNCERTAIN
    assert smtp_server.messages == []
