"""Routing reads: the active rules in order, the topics, and who in a team can take a ticket."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from helpdesk.models import Agent, RoutingRule, Team, Ticket, TicketStatus, Topic

OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD)


def routing_rules_active() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(is_active=True).select_related("set_team").order_by("position", "id")
    )


def topics_active() -> QuerySet[Topic]:
    """The taxonomy offered to customers, agents and the classifier, by name."""
    return Topic.objects.filter(is_active=True).select_related("team").order_by("name")


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
