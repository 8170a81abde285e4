"""The one permission-checked way to fetch tickets. Views, the API and bulk actions all use it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from helpdesk.models import Agent, DeskSettings, Ticket


def agent_for(user) -> Agent | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.agent
    except Agent.DoesNotExist:
        return None


def agent_desk_settings(agent: Agent) -> DeskSettings:
    """The desk settings, read once per Agent instance (a request asks several times)."""
    if not hasattr(agent, "_desk_settings"):
        agent._desk_settings = DeskSettings.load()
    return agent._desk_settings


def agent_sees_all(agent: Agent) -> bool:
    if agent.is_admin or settings.HELMDESK_AGENTS_SEE_ALL:
        return True
    return agent_desk_settings(agent).agents_see_all_tickets


def agent_sees_unrouted(agent: Agent) -> bool:
    """Whether the agent sees tickets with no team (the "No team" queue), per the desk settings."""
    if not hasattr(agent, "_sees_unrouted"):
        row = agent_desk_settings(agent)
        choice = row.unrouted_visible_to
        if agent.is_admin or choice == DeskSettings.UnroutedVisibility.ALL_AGENTS:
            agent._sees_unrouted = True
        elif choice == DeskSettings.UnroutedVisibility.TRIAGE_TEAM and row.triage_team_id:
            agent._sees_unrouted = row.triage_team_id in agent_team_ids(agent)
        else:
            agent._sees_unrouted = False
    return agent._sees_unrouted


def visible_tickets(*, user) -> QuerySet[Ticket]:
    """Tickets this user may see: admins all; agents their teams' tickets, those assigned to them and,
    unless the desk settings say otherwise, tickets routing gave to no team (so none is stranded)."""
    agent = agent_for(user)
    if agent is None:
        return Ticket.objects.none()
    if agent_sees_all(agent):
        return Ticket.objects.all()
    # A literal list of team ids plans far faster than a subquery on large inboxes (bench/inbox.py).
    visible = Q(team_id__in=agent_team_ids(agent)) | Q(assignee=agent)
    if agent_sees_unrouted(agent):
        visible |= Q(team__isnull=True)
    return Ticket.objects.filter(visible)


def agent_team_ids(agent: Agent) -> list[int]:
    """The agent's team ids, read once per Agent instance (a request's agent asks several times)."""
    if not hasattr(agent, "_team_ids"):
        agent._team_ids = list(agent.teams.values_list("id", flat=True))
    return agent._team_ids


def ticket_access(*, user, ticket_id: int, for_update: bool = False) -> Ticket:
    """Fetch a ticket the user may work on: unknown id -> 404, another team's ticket -> 403."""
    agent = agent_for(user)
    if agent is None:
        raise PermissionDenied("Only agents can open tickets in the desk.")
    try:
        ticket = Ticket.objects.select_related("requester", "assignee__user", "team").get(pk=ticket_id)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404("No such ticket.")
    if not visible_tickets(user=user).filter(pk=ticket.pk).exists():
        raise PermissionDenied("This ticket belongs to a team you are not in.")
    return ticket


def ticket_access_by_number(*, user, number: int) -> Ticket:
    ticket_id = Ticket.objects.filter(number=number).values_list("pk", flat=True).first()
    if ticket_id is None:
        raise Http404("No such ticket.")
    return ticket_access(user=user, ticket_id=ticket_id)


__all__ = [
    "agent_desk_settings",
    "agent_for",
    "agent_sees_all",
    "agent_sees_unrouted",
    "agent_team_ids",
    "ticket_access",
    "ticket_access_by_number",
    "visible_tickets",
]
