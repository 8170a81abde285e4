"""Routing: admin rules in order decide team and priority; then an agent inside the team is picked
(round robin or least loaded) among those online and under their capacity.

Helpdesk behaviour: whoever classifies a ticket (the AI's triage, an agent) supplies only what it
is about (topic, urgency, language); these services decide team, priority and assignee, and apply
them through `ticket_update`, so every change is audited and broadcast once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from core.text import keyword_in
from helpdesk.models import (
    Agent,
    AssignmentStrategy,
    RoutingRule,
    Team,
    TeamAssignmentCursor,
    Ticket,
    TicketPriority,
    Topic,
)
from helpdesk.selectors.routing import available_agents, routing_rules_active
from helpdesk.services.tickets import ticket_update

ACTOR_LABEL = "Routing"
PRIORITY_RANK = {value: rank for rank, value in enumerate(TicketPriority.values)}


@dataclass(frozen=True)
class RoutingContext:
    topic: Topic | None
    text: str
    language: str
    customer_tier: str


@dataclass
class RoutingDecision:
    team: Team | None = None
    priority: str = ""
    rule_names: list[str] = field(default_factory=list)


def priority_max(a: str, b: str) -> str:
    """The higher of two priorities ("" ranks below every level)."""
    return a if PRIORITY_RANK.get(a, -1) >= PRIORITY_RANK.get(b, -1) else b


def rule_matches(rule: RoutingRule, context: RoutingContext) -> bool:
    """Every condition the rule fills must hold; a rule without conditions matches everything."""
    if rule.topic_id and (context.topic is None or context.topic.pk != rule.topic_id):
        return False
    if rule.customer_tier and rule.customer_tier.lower() != (context.customer_tier or "").lower():
        return False
    if rule.language and rule.language.lower() != (context.language or "").lower():
        return False
    keywords = rule.keyword_list
    return not keywords or any(keyword_in(context.text, word) for word in keywords)


def routing_decide(*, context: RoutingContext) -> RoutingDecision:
    """Rules in `position` order. A matching rule fills team and priority if no earlier rule did;
    a rule with `stop` ends the walk. The topic's own team is the fallback."""
    decision = RoutingDecision()
    for rule in routing_rules_active():
        if not rule_matches(rule, context):
            continue
        decision.rule_names.append(rule.name)
        if decision.team is None and rule.set_team is not None:
            decision.team = rule.set_team
        if not decision.priority and rule.set_priority:
            decision.priority = rule.set_priority
        if rule.stop:
            break
    if decision.team is None and context.topic is not None and context.topic.team_id:
        decision.team = context.topic.team
    return decision


@transaction.atomic
def agent_pick(*, team: Team, strategy: str) -> Agent | None:
    """The agent who gets the next ticket of `team`, or None when nobody is available."""
    if strategy == AssignmentStrategy.NONE:
        return None
    candidates = available_agents(team)
    if not candidates:
        return None
    if strategy == AssignmentStrategy.LEAST_LOADED:
        return min(candidates, key=lambda pair: (pair[1], pair[0].pk))[0]
    TeamAssignmentCursor.objects.get_or_create(team=team)
    cursor = TeamAssignmentCursor.objects.select_for_update().get(team=team)  # one pick at a time
    last_id = cursor.last_agent_id or 0
    after_last = [agent for agent, _count in candidates if agent.pk > last_id]
    chosen = after_last[0] if after_last else candidates[0][0]
    cursor.last_agent = chosen
    cursor.save(update_fields=["last_agent"])
    return chosen


@transaction.atomic
def ticket_route(
    *,
    ticket: Ticket,
    team: Team | None,
    priority: str = "",
    reassign: bool = False,
    strategy: str = AssignmentStrategy.ROUND_ROBIN,
    actor_label: str = ACTOR_LABEL,
) -> Ticket:
    """Apply a routing result through the ticket service (audited under `actor_label`). The assignee
    is picked only when the ticket has none, or when `reassign` and the team changed."""
    changes: dict = {}
    team_changed = team is not None and team.pk != ticket.team_id
    if team_changed:
        changes["team"] = team
    if priority and priority != ticket.priority:
        changes["priority"] = priority
    target_team = team or ticket.team
    needs_assignee = ticket.assignee_id is None or (reassign and team_changed)
    if target_team is not None and needs_assignee:
        picked = agent_pick(team=target_team, strategy=strategy)
        if picked is not None or team_changed:
            changes["assignee"] = picked
    if not changes:
        return ticket
    return ticket_update(ticket=ticket, actor_label=actor_label, **changes)


@transaction.atomic
def ticket_classification_route(
    *,
    ticket: Ticket,
    topic: Topic | None,
    urgency: str,
    language: str,
    text: str,
    reopened: bool = False,
    strategy: str = AssignmentStrategy.ROUND_ROBIN,
    actor_label: str = ACTOR_LABEL,
) -> RoutingDecision:
    """Route a classified ticket. `topic` is None when the classifier was unsure: then only rules
    that do not depend on the topic apply. An admin rule sets the priority outright; urgency and
    the topic's default only ever raise it. A ticket that arrived with a team (API, mailbox) keeps
    it unless a rule says otherwise or a reopening message is about something new."""
    context = RoutingContext(topic=topic, text=text, language=language, customer_tier=ticket.requester.tier)
    decision = routing_decide(context=context)
    priority = decision.priority
    if not priority:
        priority = priority_max(urgency, ticket.priority)
        if topic is not None and topic.default_priority:
            priority = priority_max(priority, topic.default_priority)
    team = decision.team
    if team is not None and ticket.team_id and not reopened and not decision.rule_names:
        team = None
    ticket_route(
        ticket=ticket, team=team, priority=priority, reassign=reopened, strategy=strategy,
        actor_label=actor_label,
    )  # fmt: skip
    return decision
