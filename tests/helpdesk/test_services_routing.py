"""Routing (helpdesk): rules in order, the topic's team as fallback, and capacity-aware assignment
inside a team (round robin with a cursor, least loaded)."""

from __future__ import annotations

import pytest

from core import hooks
from helpdesk.models import AssignmentStrategy, RoutingRule, Team, TeamAssignmentCursor, TicketEvent, Topic
from helpdesk.services.routing import (
    RoutingContext,
    agent_pick,
    routing_decide,
    ticket_classification_route,
    ticket_route,
)
from helpdesk.services.tickets import ticket_create
from tests.conftest import make_agent, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(db):
    return {
        slug: Team.objects.create(name=slug.title(), slug=slug)
        for slug in ("billing", "vip", "security", "german", "general")
    }


def context(*, topic=None, text="hello", language="en", tier="standard"):
    return RoutingContext(topic=topic, text=text, language=language, customer_tier=tier)


def test_topic_team_is_the_fallback_without_rules(teams):
    topic = Topic.objects.create(name="billing", team=teams["billing"])
    assert routing_decide(context=context(topic=topic)).team == teams["billing"]
    assert routing_decide(context=context(topic=None)).team is None


def test_rules_run_in_position_order_and_the_first_match_stops(teams):
    topic = Topic.objects.create(name="billing", team=teams["billing"])
    RoutingRule.objects.create(position=20, name="later", topic=topic, set_team=teams["general"])
    RoutingRule.objects.create(position=10, name="earlier", topic=topic, set_team=teams["security"])

    decision = routing_decide(context=context(topic=topic))

    assert decision.team == teams["security"]
    assert decision.rule_names == ["earlier"]


def test_a_rule_without_stop_lets_later_rules_fill_the_rest(teams):
    RoutingRule.objects.create(position=1, name="vip priority", customer_tier="vip", set_priority="high",
                               stop=False)  # fmt: skip
    RoutingRule.objects.create(position=2, name="vip team", customer_tier="vip", set_team=teams["vip"])
    RoutingRule.objects.create(position=3, name="never reached", set_team=teams["general"])

    decision = routing_decide(context=context(tier="vip"))

    assert (decision.team, decision.priority) == (teams["vip"], "high")
    assert decision.rule_names == ["vip priority", "vip team"]


def test_inactive_rules_are_skipped(teams):
    RoutingRule.objects.create(position=1, name="off", is_active=False, set_team=teams["security"])
    RoutingRule.objects.create(position=2, name="on", set_team=teams["general"])
    assert routing_decide(context=context()).team == teams["general"]


@pytest.mark.parametrize(
    ("ctx", "expected"),
    [
        ({"tier": "vip"}, "vip"),
        ({"text": "Someone HACKED my account"}, "security"),
        ({"text": "Hackers are everywhere"}, "general"),  # whole words only
        ({"language": "de"}, "german"),
        ({}, "general"),
    ],
)
def test_vip_keyword_and_language_rules(teams, ctx, expected):
    RoutingRule.objects.create(position=1, name="VIP", customer_tier="vip", set_team=teams["vip"])
    RoutingRule.objects.create(position=2, name="Security", keywords="hacked, phishing",
                               set_team=teams["security"])  # fmt: skip
    RoutingRule.objects.create(position=3, name="German", language="de", set_team=teams["german"])
    RoutingRule.objects.create(position=4, name="Catch-all", set_team=teams["general"])

    assert routing_decide(context=context(**ctx)).team == teams[expected]


def test_all_filled_conditions_must_match(teams):
    topic = Topic.objects.create(name="billing")
    RoutingRule.objects.create(position=1, name="German billing", topic=topic, language="de",
                               set_team=teams["german"])  # fmt: skip
    assert routing_decide(context=context(topic=topic, language="en")).team is None
    assert routing_decide(context=context(topic=topic, language="de")).team == teams["german"]


# --- assignment ------------------------------------------------------------------------------------
def _online(agent, capacity=20):
    agent.is_online = True
    agent.capacity = capacity
    agent.save()
    return agent


def _give_open_tickets(agent, count):
    customer = make_customer(email=f"load-{agent.pk}@example.com")
    for index in range(count):
        ticket_create(requester=customer, subject=f"load {index}", body_text="x", assignee=agent)


def test_offline_and_full_agents_are_skipped(teams):
    team = teams["general"]
    offline = make_agent("offline", teams=[team])
    full = _online(make_agent("full", teams=[team]), capacity=2)
    free = _online(make_agent("free", teams=[team]), capacity=2)
    _give_open_tickets(full, 2)
    _give_open_tickets(free, 1)

    picks = {agent_pick(team=team, strategy="round_robin") for _ in range(3)}

    assert picks == {free}
    assert offline not in picks


def test_solved_tickets_do_not_count_against_capacity(teams):
    from helpdesk.services.tickets import ticket_transition

    team = teams["general"]
    agent = _online(make_agent("solver", teams=[team]), capacity=1)
    _give_open_tickets(agent, 1)
    assert agent_pick(team=team, strategy="least_loaded") is None
    ticket_transition(ticket=agent.assigned_tickets.get(), to_status="solved")
    assert agent_pick(team=team, strategy="least_loaded") == agent


def test_round_robin_rotates_through_available_agents(teams):
    team = teams["general"]
    agents = [_online(make_agent(name, teams=[team])) for name in ("ann", "ben", "cy")]

    picks = [agent_pick(team=team, strategy="round_robin") for _ in range(4)]

    assert picks == [agents[0], agents[1], agents[2], agents[0]]
    assert TeamAssignmentCursor.objects.get(team=team).last_agent == agents[0]


def test_least_loaded_picks_the_agent_with_fewest_open_tickets(teams):
    team = teams["general"]
    busy, idle, medium = (_online(make_agent(name, teams=[team])) for name in ("busy", "idle", "medium"))
    _give_open_tickets(busy, 3)
    _give_open_tickets(medium, 1)

    assert agent_pick(team=team, strategy="least_loaded") == idle
    _give_open_tickets(idle, 2)
    assert agent_pick(team=team, strategy="least_loaded") == medium


def test_nobody_available_leaves_the_ticket_unassigned(teams):
    make_agent("away", teams=[teams["general"]])
    assert agent_pick(team=teams["general"], strategy="round_robin") is None
    assert agent_pick(team=teams["general"], strategy="none") is None


def test_ticket_route_applies_team_priority_and_assignee_audited(teams, customer):
    agent = _online(make_agent("router", teams=[teams["billing"]]))
    ticket = ticket_create(requester=customer, subject="Refund", body_text="refund please")

    routed = ticket_route(ticket=ticket, team=teams["billing"], priority="high",
                          strategy=AssignmentStrategy.LEAST_LOADED, actor_label="AI triage")  # fmt: skip

    assert (routed.team, routed.priority, routed.assignee) == (teams["billing"], "high", agent)
    events = TicketEvent.objects.filter(ticket=ticket, actor_label="AI triage")
    assert set(events.values_list("field", flat=True)) == {"team", "priority", "assignee"}


# --- routing a classified ticket -------------------------------------------------------------------
def test_classification_route_raises_priority_from_urgency_and_topic_default(teams, customer):
    topic = Topic.objects.create(name="billing", team=teams["billing"], default_priority="high")
    ticket = ticket_create(requester=customer, subject="Refund", body_text="refund please")

    decision = ticket_classification_route(
        ticket=ticket, topic=topic, urgency="normal", language="en", text="refund please"
    )

    ticket.refresh_from_db()
    assert (decision.team, decision.rule_names) == (teams["billing"], [])
    assert (ticket.team, ticket.priority) == (teams["billing"], "high")


def test_a_rule_sets_priority_outright_even_below_the_current_one(teams, customer):
    ticket = ticket_create(requester=customer, subject="Down", body_text="all down", priority="urgent")
    RoutingRule.objects.create(position=1, name="low", customer_tier="standard", set_priority="low")
    ticket_classification_route(ticket=ticket, topic=None, urgency="urgent", language="en", text="all down")
    ticket.refresh_from_db()
    assert ticket.priority == "low"


def test_a_ticket_that_arrived_with_a_team_keeps_it_unless_a_rule_matches(teams, customer):
    topic = Topic.objects.create(name="billing", team=teams["billing"])
    ticket = ticket_create(requester=customer, subject="Refund", body_text="x", team=teams["general"])
    ticket_classification_route(ticket=ticket, topic=topic, urgency="normal", language="en", text="x")
    ticket.refresh_from_db()
    assert ticket.team == teams["general"]

    RoutingRule.objects.create(position=1, name="billing", topic=topic, set_team=teams["security"])
    ticket_classification_route(ticket=ticket, topic=topic, urgency="normal", language="en", text="x")
    ticket.refresh_from_db()
    assert ticket.team == teams["security"]


def test_ticket_route_fires_one_update_hook_and_nothing_when_unchanged(
    teams, customer, django_capture_on_commit_callbacks, monkeypatch
):
    fired = []
    monkeypatch.setitem(hooks._registry, "ticket_updated",
                        [lambda *, ticket, changed: fired.append(sorted(changed))])  # fmt: skip
    ticket = ticket_create(requester=customer, subject="Refund", body_text="x")

    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_route(ticket=ticket, team=teams["billing"], priority="high")
    with django_capture_on_commit_callbacks(execute=True) as unchanged:
        ticket_route(ticket=ticket, team=teams["billing"], priority="high")

    assert fired == [["priority", "team"]]
    assert unchanged == []
    assert set(
        TicketEvent.objects.filter(ticket=ticket, actor_label="Routing").values_list("field", flat=True)
    ) == {
        "team",
        "priority",
    }
