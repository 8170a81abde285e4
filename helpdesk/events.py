"""The one place that decides who receives a real-time event.

Agents' pages join groups (see consumers.py): every ticket page joins `ticket.<id>`; an inbox joins
`inbox.team.<team id>` for each of the agent's teams and `agent.<id>` for tickets assigned to them;
admins (or everyone, when agents may see all tickets) join `inbox.all`. A ticket event goes to its
ticket group, its team's group (or the no-team group), its assignee's group and `inbox.all`.
Getting recipients wrong leaks tickets across teams, so the mapping lives here and only here.
"""

from __future__ import annotations

import hashlib

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

ALL_GROUP = "inbox.all"
NO_TEAM_GROUP = "inbox.no-team"


def ticket_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}"


def team_group(team_id: int) -> str:
    return f"inbox.team.{team_id}"


def agent_group(agent_id: int) -> str:
    return f"agent.{agent_id}"


def session_group(session_key: str) -> str:
    """Every desk socket of one login session (closed together when it logs out)."""
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def session_sockets_close(sender=None, request=None, **kwargs) -> None:
    """Receiver of `user_logged_out`: close the sockets of the session that is ending."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    layer = get_channel_layer()
    if session_key and layer is not None:
        async_to_sync(layer.group_send)(session_group(session_key), {"type": "session.ended"})


SAME_TEAM = object()  # previous_team_id not given: the ticket did not change team


def groups_for_ticket(
    *,
    ticket_id: int,
    team_id: int | None,
    previous_team_id: int | None | object = SAME_TEAM,
    assignee_id: int | None = None,
) -> list[str]:
    """`previous_team_id` None means the ticket had no team before (its "No team" queue must drop it);
    leave it out when the team did not change."""
    groups = [ticket_group(ticket_id), ALL_GROUP]
    if assignee_id:
        groups.append(agent_group(assignee_id))
    teams = {team_id} if previous_team_id is SAME_TEAM else {team_id, previous_team_id}
    for tid in teams:
        groups.append(team_group(tid) if tid else NO_TEAM_GROUP)
    return sorted(set(groups))


def inbox_groups_for_agent(agent, *, sees_all: bool) -> list[str]:
    if sees_all:
        return [ALL_GROUP]
    return [team_group(team_id) for team_id in agent.teams.values_list("id", flat=True)]


def _send(groups: list[str], payload: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_all() -> None:  # one trip to the event loop for all the groups
        for group in groups:
            await layer.group_send(group, {"type": "ticket.event", "payload": payload})

    async_to_sync(send_all)()


def broadcast_ticket_changed(
    *, ticket, kind: str, previous_team_id: int | None | object = SAME_TEAM, extra: dict | None = None
):
    """Queue a JSON-safe event for after the surrounding transaction commits."""
    payload = {"kind": kind, "ticket_id": ticket.id, "number": ticket.number, "status": ticket.status}
    if extra:
        payload.update(extra)
    groups = groups_for_ticket(
        ticket_id=ticket.id,
        team_id=ticket.team_id,
        previous_team_id=previous_team_id,
        assignee_id=ticket.assignee_id,
    )
    transaction.on_commit(lambda: _send(groups, payload))


def broadcast_presence(*, ticket_id: int) -> None:
    """Tell the ticket's open pages that who is viewing or typing changed (no ticket data; each
    page asks for the presence it may see). Sent at once: presence is not part of a transaction."""
    _send([ticket_group(ticket_id)], {"kind": "presence", "ticket_id": ticket_id})
