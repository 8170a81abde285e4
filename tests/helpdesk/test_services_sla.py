import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from helpdesk.models import Holiday, SLAPolicy, TicketEvent, TicketSLA
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.delivery import reply_send
from helpdesk.services.sla import sla_remaining
from helpdesk.services.sla_escalation import sla_escalate_due
from helpdesk.services.tickets import ticket_create, ticket_transition, ticket_update
from tests.conftest import make_agent

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def local(*args):
    return dt.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def policy(team):
    policy = SLAPolicy.objects.create(
        name="Standard",
        time_zone="Europe/Berlin",
        first_response_minutes={"urgent": 30, "high": 60, "normal": 120, "low": 480},
        resolution_minutes={"urgent": 240, "high": 480, "normal": 960, "low": 2400},
        breach_soon_minutes=30,
    )
    policy.teams.add(team)
    return policy


def test_due_times_in_business_hours(policy, customer, team):
    with time_machine.travel(local(2026, 3, 6, 16, 0), tick=False):  # Friday 16:00
        ticket = ticket_create(requester=customer, subject="x", body_text="y", team=team)
    state = TicketSLA.objects.get(ticket=ticket)
    assert state.first_response_due_at == local(2026, 3, 9, 10, 0)  # 2 business hours: Fri 1h + Mon 1h
    assert state.resolution_due_at == local(2026, 3, 10, 16, 0)  # 16h: Fri 1h + Mon 8h + Tue 7h


def test_holiday_moves_due(policy, customer, team):
    Holiday.objects.create(policy=policy, date=dt.date(2026, 3, 9), name="Company day")
    with time_machine.travel(local(2026, 3, 6, 16, 0), tick=False):
        ticket = ticket_create(requester=customer, subject="x", body_text="y", team=team)
    assert TicketSLA.objects.get(ticket=ticket).first_response_due_at == local(2026, 3, 10, 10, 0)


def test_pending_pauses_the_clock(policy, customer, team, agent):
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        ticket = ticket_create(requester=customer, subject="x", body_text="y", team=team)
        reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="Which model?")
    resolution_before = TicketSLA.objects.get(ticket=ticket).resolution_due_at
    with time_machine.travel(local(2026, 3, 2, 10, 0), tick=False):
        ticket_transition(ticket=ticket, to_status="pending", actor=agent)
        assert TicketSLA.objects.get(ticket=ticket).paused_at is not None
    with time_machine.travel(local(2026, 3, 2, 13, 0), tick=False):  # customer answers 3 business hours later
        conversation_receive(channel="web", sender=customer, body_text="Model X", thread_hint=ticket)
    state = TicketSLA.objects.get(ticket=ticket)
    assert state.paused_at is None
    assert state.paused_business_seconds == 3 * 3600
    # Due at closing time on Tuesday before; three paused business hours push it to Wednesday noon.
    assert resolution_before == local(2026, 3, 3, 17, 0)
    assert state.resolution_due_at == local(2026, 3, 4, 12, 0)


def test_priority_change_recomputes(policy, customer, team, agent):
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        ticket = ticket_create(requester=customer, subject="x", body_text="y", team=team)
        ticket_update(ticket=ticket, priority="urgent", actor=agent)
    assert TicketSLA.objects.get(ticket=ticket).first_response_due_at == local(2026, 3, 2, 9, 30)


def test_first_response_met_or_breached(policy, customer, team, agent):
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        on_time = ticket_create(requester=customer, subject="a", body_text="y", team=team)
        late = ticket_create(requester=customer, subject="b", body_text="y", team=team)
    with time_machine.travel(local(2026, 3, 2, 10, 0), tick=False):
        reply_send(ticket=on_time, author_kind="agent", author_agent=agent, body_text="hi")
    with time_machine.travel(local(2026, 3, 2, 12, 0), tick=False):
        reply_send(ticket=late, author_kind="agent", author_agent=agent, body_text="hi")
    assert TicketSLA.objects.get(ticket=on_time).first_response_breached is False
    assert TicketSLA.objects.get(ticket=late).first_response_breached is True


def test_a_handoff_notice_does_not_stop_the_first_response_clock(policy, customer, team, agent):
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        ticket = ticket_create(requester=customer, subject="a", body_text="refund please", team=team)
    with time_machine.travel(local(2026, 3, 2, 9, 1), tick=False):
        reply_send(ticket=ticket, author_kind="ai", body_text="A person will reply soon.", is_notice=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert sla_remaining(TicketSLA.objects.get(ticket=ticket))["target"] == "first_response"
    with time_machine.travel(local(2026, 3, 2, 12, 0), tick=False):
        reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="Refunded.")
    assert TicketSLA.objects.get(ticket=ticket).first_response_breached is True


def test_escalation_raises_priority_and_notifies_lead_once(
    policy, customer, team, django_capture_on_commit_callbacks
):
    lead = make_agent("lead", teams=[team])
    team.lead = lead
    team.save()
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        ticket = ticket_create(requester=customer, subject="x", body_text="y", team=team)
    with time_machine.travel(local(2026, 3, 2, 10, 0), tick=False):  # 60 min left > 30 min window
        assert sla_escalate_due() == []
    with time_machine.travel(local(2026, 3, 2, 10, 45), tick=False):  # 15 min left
        with django_capture_on_commit_callbacks(execute=True):
            assert sla_escalate_due() == [ticket.pk]
        assert sla_escalate_due() == []  # idempotent
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert TicketEvent.objects.filter(ticket=ticket, field="sla_escalated").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lead@example.com"]


def test_paused_tickets_are_not_escalated(policy, customer, team, agent):
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        ticket = ticket_create(requester=customer, subject="x", body_text="y", team=team)
        ticket_transition(ticket=ticket, to_status="pending", actor=agent)
    with time_machine.travel(local(2026, 3, 2, 16, 0), tick=False):
        assert sla_escalate_due() == []
        assert sla_remaining(TicketSLA.objects.get(ticket=ticket))["paused"] is True


def test_default_policy_without_team(customer):
    SLAPolicy.objects.create(name="Default")
    ticket = ticket_create(requester=customer, subject="x", body_text="y")
    assert TicketSLA.objects.get(ticket=ticket).policy.name == "Default"
