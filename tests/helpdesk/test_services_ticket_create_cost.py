"""What opening a ticket costs: no savepoints of its own inside the front door, no read back, the
subject's search vector in the INSERT, the SLA clock started from the row as written, the report
roll-up's ledger in one statement, and no webhook read when none is active."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.models import SLAPolicy, Ticket, TicketSLA, Webhook, WebhookDelivery
from helpdesk.services import webhooks
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.report_rollup import LEDGER_TABLE, rollup_backfill, rollup_refresh_tickets
from helpdesk.services.sla import sla_refresh
from helpdesk.services.tickets import ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(team):
    policy = SLAPolicy.objects.create(
        name="Standard", time_zone="Europe/Berlin",
        first_response_minutes={"urgent": 30, "high": 60, "normal": 120, "low": 480},
        resolution_minutes={"urgent": 240, "high": 480, "normal": 960, "low": 2400},
    )  # fmt: skip
    policy.teams.add(team)
    return policy


def _ledger(ticket_id: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT days FROM {LEDGER_TABLE} WHERE ticket_id = %s", [ticket_id])
        row = cursor.fetchone()
    return row and row[0]


def test_a_new_ticket_is_written_once_and_not_read_back(customer, team, policy):
    with CaptureQueriesContext(connection) as captured:
        received = conversation_receive(
            channel="chat", sender=customer, subject="Printer on fire", body_text="Help", team=team
        )
    queries = [q["sql"] for q in captured.captured_queries]
    # the front door's own transaction (a savepoint inside the test's): none for ticket_create or SLA
    assert sum(q.startswith("SAVEPOINT") for q in queries) == 1
    assert not any(q.startswith("SELECT") and 'FROM "helpdesk_ticket"' in q for q in queries)
    assert not any(q.startswith("UPDATE") and '"search_vector" = setweight' in q for q in queries)
    assert not any('FROM "helpdesk_ticketsla"' in q for q in queries)

    ticket = received.ticket
    stored = Ticket.objects.get(pk=ticket.pk)
    for field in ("number", "subject", "status", "priority", "channel", "team_id", "language", "created_at",
                  "updated_at", "message_count", "last_message_at"):  # fmt: skip
        assert getattr(ticket, field) == getattr(stored, field), field
    assert ticket.message_count == 1
    # the vector as the former UPDATE wrote it (subject, weight A), then the message's words
    expected = Ticket.objects.annotate(
        v=SearchVector("subject", config="simple", weight="A")
    ).values_list("v", flat=True).get(pk=ticket.pk)  # fmt: skip
    assert set(expected.split()) <= set(stored.search_vector.split())
    assert Ticket.objects.filter(pk=ticket.pk, search_vector="printer").exists()
    assert Ticket.objects.filter(pk=ticket.pk, search_vector="help").exists()
    assert "search_vector" in ticket.get_deferred_fields()  # loads on access
    assert set(ticket.search_vector.split()) == set(stored.search_vector.split())


def test_the_sla_clock_starts_as_a_refresh_would_set_it(customer, team, policy):
    ticket = ticket_create(requester=customer, subject="x", body_text="y", team=team, priority="high")
    started = TicketSLA.objects.get(ticket=ticket)
    refreshed = sla_refresh(ticket=ticket, now=ticket.created_at)
    assert started.policy_id == refreshed.policy_id == policy.pk
    assert started.first_response_due_at == refreshed.first_response_due_at
    assert started.resolution_due_at == refreshed.resolution_due_at
    assert TicketSLA.objects.filter(ticket=ticket).count() == 1


def test_ticket_create_checks_before_writing_so_the_callers_transaction_survives(customer):
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        ticket_create(requester=customer, subject="x", priority="sky-high")
    assert Ticket.objects.count() == 0  # the test's transaction is still usable


def test_the_ledger_of_a_ticket_of_today_is_one_statement(customer, team):
    ticket = ticket_create(requester=customer, subject="today", team=team)
    with CaptureQueriesContext(connection) as captured:
        rollup_refresh_tickets([ticket.pk])
    assert len(captured.captured_queries) == 1
    assert _ledger(ticket.pk) == [timezone.localdate()]
    rollup_refresh_tickets([ticket.pk])  # idempotent
    assert _ledger(ticket.pk) == [timezone.localdate()]


def test_a_ticket_that_counts_on_an_earlier_day_rebuilds_that_day(customer, team, agent):
    """The one-statement path writes nothing when a day before today is involved: the day rows are
    rebuilt as before (and match a full rebuild)."""
    earlier = timezone.now() - dt.timedelta(days=3)
    with time_machine.travel(earlier, tick=False):
        ticket = ticket_create(requester=customer, subject="old", team=team)
    rollup_backfill()
    Ticket.objects.filter(pk=ticket.pk).update(team=None)  # no signal: as if the roll-up missed it
    with CaptureQueriesContext(connection) as captured:
        rollup_refresh_tickets([ticket.pk])
    assert len(captured.captured_queries) > 1  # the day of creation was rebuilt
    assert _ledger(ticket.pk) == [earlier.astimezone(timezone.get_current_timezone()).date()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT team_id FROM helpdesk_report_rollup WHERE span = 'd' AND created > 0")
        assert cursor.fetchall() == [(None,)]
    # a ledger that still records an earlier day (the ticket moved): that day is rebuilt too
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {LEDGER_TABLE} SET days = %s WHERE ticket_id = %s",
                       [[timezone.localdate() - dt.timedelta(days=9)], ticket.pk])  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        rollup_refresh_tickets([ticket.pk])
    assert any("DELETE FROM helpdesk_report_rollup " in q["sql"] for q in captured.captured_queries)


def test_no_active_webhook_is_remembered_and_a_new_one_is_seen_at_once(customer, team, monkeypatch):
    webhooks._none_active.forget()
    with CaptureQueriesContext(connection) as captured:
        webhooks.webhooks_emit(event="ticket.created", data={})
        webhooks.webhooks_emit(event="message.created", data={})
    assert sum('FROM "helpdesk_webhook"' in q["sql"] for q in captured.captured_queries) == 1
    monkeypatch.setattr(webhooks._NoneActive, "FRESH_S", 0.0)  # another process's webhook: seen later
    with CaptureQueriesContext(connection) as captured:
        webhooks.webhooks_emit(event="ticket.created", data={})
    assert sum('FROM "helpdesk_webhook"' in q["sql"] for q in captured.captured_queries) == 1
    monkeypatch.undo()
    webhooks.webhooks_emit(event="ticket.created", data={})  # remembered again
    Webhook.objects.create(name="crm", url="https://crm.example.com/h", secret="s", events=["ticket.created"])
    deliveries = webhooks.webhooks_emit(event="ticket.created", data={})  # saved here: seen at once
    assert len(deliveries) == 1 and WebhookDelivery.objects.count() == 1


def test_a_webhook_deleted_and_saved_again_is_seen(customer):
    hook = Webhook.objects.create(
        name="crm", url="https://crm.example.com/h", secret="s", events=["ticket.created"]
    )
    assert len(webhooks.webhooks_emit(event="ticket.created", data={})) == 1
    hook.is_active = False
    hook.save()
    assert webhooks.webhooks_emit(event="ticket.created", data={}) == []
    hook.is_active = True
    hook.save()
    assert len(webhooks.webhooks_emit(event="ticket.created", data={})) == 1
