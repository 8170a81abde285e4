"""Routing: admin rules in order decide team and priority; then an agent inside the team is picked
(round robin or least loaded) among those online and under their capacity."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count

from ai.models import RoutingRule, TeamAssignmentCursor, Topic, TriageSettings
from ai.pipelines.triage.signals import keyword_in
from helpdesk.models import Agent, Team, Ticket, TicketStatus

ACTOR_LABEL = "AI triage"
OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD)


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
    rules = RoutingRule.objects.filter(is_active=True).select_related("set_team").order_by("position", "id")
    for rule in rules:
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


def open_ticket_counts(agent_ids: list[int]) -> dict[int, int]:
    rows = (
        Ticket.objects.filter(assignee_id__in=agent_ids, status__in=OPEN_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(agent_ids, 0)
    counts.update({row["assignee_id"]: row["n"] for row in rows})
    return counts


def available_agents(team: Team) -> list[tuple[Agent, int]]:
    """Team members who are online and under capacity, with their open-ticket count, by id."""
    members = list(
        Agent.objects.filter(teams=team, is_online=True, user__is_active=True).order_by("pk").distinct()
    )
    counts = open_ticket_counts([agent.pk for agent in members])
    return [(agent, counts[agent.pk]) for agent in members if counts[agent.pk] < agent.capacity]


@transaction.atomic
def agent_pick(*, team: Team, strategy: str) -> Agent | None:
    """The agent who gets the next ticket of `team`, or None when nobody is available."""
    if strategy == TriageSettings.Strategy.NONE:
        return None
    candidates = available_agents(team)
    if not candidates:
        return None
    if strategy == TriageSettings.Strategy.LEAST_LOADED:
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
    *, ticket: Ticket, team: Team | None, priority: str = "", reassign: bool = False, strategy: str = ""
) -> Ticket:
    """Apply a routing result through the ticket service (audited as "AI triage"). The assignee is
    picked only when the ticket has none, or when `reassign` and the team changed."""
    from helpdesk.services.tickets import ticket_update

    strategy = strategy or TriageSettings.load().assignment_strategy
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
    return ticket_update(ticket=ticket, actor_label=ACTOR_LABEL, **changes)
