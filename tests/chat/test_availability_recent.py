"""Whether a widget is online, as every hello reads it: remembered for a moment in this process (no
query), forgotten at once on any change made here (policies, holidays, team members, chat presence),
another process's change seen within the freshness window, and never remembered inside a transaction
(it could still be rolled back)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone

from chat.models import AgentChatCapacity
from chat.selectors.recent import RecentReads
from chat.selectors.widgets import (
    AVAILABILITY_FRESH_S,
    Availability,
    recent_availability,
    widget_availability,
)
from chat.services.sessions import agent_presence_touch
from helpdesk.models import Holiday, SLAPolicy, TeamMembership
from tests.chat.helpers import make_widget

pytestmark = pytest.mark.django_db(transaction=True)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_WEEK = {day: [["00:00", "24:00"]] for day in WEEKDAYS}


def not_today() -> dict:
    """Open all day on a day that is not today (UTC): closed now."""
    today = timezone.now().astimezone(dt.UTC).weekday()
    return {WEEKDAYS[(today + 3) % 7]: [["00:00", "24:00"]]}


def availability(widget, django_assert_num_queries, statements: int) -> tuple[bool, str]:
    with django_assert_num_queries(statements):
        found = widget_availability(widget=widget)
    return found.online, found.reason


def test_read_once_then_remembered_for_a_couple_of_seconds(agent, team, django_assert_num_queries):
    assert AVAILABILITY_FRESH_S <= 2.0  # the staleness promised for other processes' changes
    SLAPolicy.objects.create(name="Hours", time_zone="UTC", business_hours=ALL_WEEK)
    AgentChatCapacity.objects.create(agent=agent, last_seen_at=timezone.now())
    widget = make_widget(team=team)
    assert availability(widget, django_assert_num_queries, 4) == (True, "")  # 2 policies, holidays, presence
    assert availability(widget, django_assert_num_queries, 0) == (True, "")
    assert availability(make_widget(name="Other", team=team), django_assert_num_queries, 0) == (True, "")


def test_presence_going_stale_needs_no_read(agent, team, django_assert_num_queries):
    AgentChatCapacity.objects.create(agent=agent, last_seen_at=timezone.now() - dt.timedelta(seconds=89.8))
    widget = make_widget(team=team, use_business_hours=False)
    assert availability(widget, django_assert_num_queries, 1) == (True, "")
    time.sleep(0.3)  # the agent's 90 s have passed: what was remembered says so without a read
    assert availability(widget, django_assert_num_queries, 0) == (False, "agents")


def test_changes_made_in_this_process_are_seen_at_once(agent, other_agent, team, other_team):
    widget = make_widget(team=team)
    online = Availability
    assert widget_availability(widget=widget) == online(False, "agents")
    agent_presence_touch(agent=agent)  # the agent opens the chat queue (creates the capacity row)
    assert widget_availability(widget=widget) == online(True)
    AgentChatCapacity.objects.filter(agent=agent).update(last_seen_at=timezone.now() - dt.timedelta(hours=1))
    recent_availability.forget()  # (an update sends no signal: the touch below must forget by itself)
    assert widget_availability(widget=widget) == online(False, "agents")
    agent_presence_touch(agent=agent)  # an existing row, updated
    assert widget_availability(widget=widget) == online(True)

    policy = SLAPolicy.objects.create(name="Hours", time_zone="UTC", business_hours=ALL_WEEK)
    assert widget_availability(widget=widget) == online(True)
    Holiday.objects.create(policy=policy, date=timezone.now().astimezone(dt.UTC).date(), name="Today")
    assert widget_availability(widget=widget) == online(False, "hours")
    Holiday.objects.filter(policy=policy).delete()
    assert widget_availability(widget=widget) == online(True)
    closed = SLAPolicy.objects.create(name="Closed", time_zone="UTC", business_hours=not_today())
    assert widget_availability(widget=widget) == online(True)  # the team's policy comes first once it has one
    closed.teams.add(team)
    assert widget_availability(widget=widget) == online(False, "hours")
    closed.teams.remove(team)
    assert widget_availability(widget=widget) == online(True)
    policy.is_active = False
    policy.save()
    assert widget_availability(widget=widget) == online(False, "hours")  # the closed one is the default now
    closed.delete()
    assert widget_availability(widget=widget) == online(True)

    TeamMembership.objects.filter(agent=agent, team=team).delete()  # the online agent leaves the team
    assert widget_availability(widget=widget) == online(False, "agents")
    agent.teams.add(team)
    assert widget_availability(widget=widget) == online(True)
    agent.teams.remove(team)
    assert widget_availability(widget=widget) == online(False, "agents")
    other_agent.teams.add(team)  # an agent who was never seen: still nobody online
    assert widget_availability(widget=widget) == online(False, "agents")
    AgentChatCapacity.objects.create(agent=other_agent, last_seen_at=timezone.now())
    assert widget_availability(widget=widget) == online(True)
    AgentChatCapacity.objects.filter(agent=other_agent).delete()
    assert widget_availability(widget=widget) == online(False, "agents")


def test_another_process_change_is_seen_within_the_freshness_window(agent, team, monkeypatch):
    widget = make_widget(team=team, use_business_hours=False)
    assert not widget_availability(widget=widget).online
    AgentChatCapacity.objects.bulk_create([AgentChatCapacity(agent=agent, last_seen_at=timezone.now())])
    assert not widget_availability(widget=widget).online  # no signal (as from another process): remembered
    monkeypatch.setattr(recent_availability, "fresh_s", 0.2)
    time.sleep(0.25)
    assert widget_availability(widget=widget).online


def test_nothing_is_remembered_inside_a_transaction(agent, team, django_assert_num_queries):
    widget = make_widget(team=team, use_business_hours=False)
    with transaction.atomic():
        AgentChatCapacity.objects.create(agent=agent, last_seen_at=timezone.now())
        assert availability(widget, django_assert_num_queries, 1) == (True, "")
        assert availability(widget, django_assert_num_queries, 1) == (True, "")  # read again, not kept
        transaction.set_rollback(True)
    assert availability(widget, django_assert_num_queries, 1) == (False, "agents")  # the rollback is seen


def test_a_read_that_raced_a_change_is_not_kept(db):
    reads = RecentReads(60.0)

    def read_while_changed():
        reads.forget()  # a change saved while the value was being read
        return "old"

    assert reads.get("key", read_while_changed) == "old"
    assert reads.get("key", lambda: "new") == "new"  # read again, then kept
    assert reads.get("key", lambda: "newer") == "new"
