"""Macros: canned replies with a few placeholders, filled in by plain substitution.

Macro bodies are editable by admins, so they never reach the Django template engine: only the
placeholders listed in PLACEHOLDERS are replaced, anything else in braces stays as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db.models import Q, QuerySet

from helpdesk.models import Agent, Macro, Ticket

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")

PLACEHOLDERS: dict[str, Callable[[Ticket, Agent | None], str]] = {
    "customer.name": lambda ticket, agent: ticket.requester.display_name,
    "customer.first_name": lambda ticket, agent: ticket.requester.display_name.split()[0],
    "customer.email": lambda ticket, agent: ticket.requester.email,
    "agent.name": lambda ticket, agent: agent.name if agent else "",
    "agent.first_name": lambda ticket, agent: (agent.user.first_name or agent.name) if agent else "",
    "ticket.number": lambda ticket, agent: str(ticket.number),
    "ticket.subject": lambda ticket, agent: ticket.subject,
}


def macro_fill(*, text: str, ticket: Ticket, agent: Agent | None) -> str:
    """Replace known placeholders; unknown ones are left untouched so the agent sees them."""

    def substitute(match: re.Match) -> str:
        resolver = PLACEHOLDERS.get(match.group(1))
        return resolver(ticket, agent) if resolver else match.group(0)

    return PLACEHOLDER.sub(substitute, text)


def macros_available(*, agent: Agent, ticket: Ticket | None = None) -> QuerySet[Macro]:
    """Active macros for everyone, for the agent's teams, or for the ticket's team."""
    scope = Q(team__isnull=True) | Q(team__in=agent.teams.all())
    if ticket is not None and ticket.team_id:
        scope |= Q(team_id=ticket.team_id)
    return Macro.objects.filter(scope, is_active=True).order_by("name")


def macro_for_ticket(*, macro_id, agent: Agent, ticket: Ticket) -> Macro | None:
    """A macro the agent may use on this ticket, or None for an unknown or foreign id."""
    try:
        return macros_available(agent=agent, ticket=ticket).get(pk=int(macro_id))
    except (Macro.DoesNotExist, ValueError, TypeError):
        return None
