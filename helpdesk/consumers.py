"""WebSocket consumers for live desk updates. Thin: authenticate, join the groups events.py names.

Access is checked when the socket opens AND again for every event (events.py picks groups when the
event is sent; a socket may have joined them under rights that are gone since): the session must
still belong to the same user, and that user must still see the ticket. Logging out closes every
socket of that session at once (events.session_group).
"""

from __future__ import annotations

from importlib import import_module

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.crypto import constant_time_compare

from helpdesk import events
from helpdesk.selectors.access import (
    agent_for,
    agent_sees_all,
    agent_sees_unrouted,
    ticket_access,
    visible_tickets,
)

CLOSE_FORBIDDEN = 4403  # desk-live.js does not retry after this code


def session_still_valid(*, session_key: str | None, user) -> bool:
    """The session the socket opened with still exists and still signs in the same user (a logout,
    an expiry or a password change ends it)."""
    if not session_key or user is None or not user.is_authenticated:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    if str(store.get(SESSION_KEY, "")) != str(user.pk):
        return False
    session_hash = store.get(HASH_SESSION_KEY, "")
    return bool(session_hash) and constant_time_compare(session_hash, user.get_session_auth_hash())


class _DeskConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self):
        self.groups_joined = []
        groups = await self.groups_for_connection()
        if groups is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        session = self.scope.get("session")
        session_key = getattr(session, "session_key", None)
        groups = groups + [events.session_group(session_key)] if session_key else groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        await self.accept()

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def ticket_event(self, event):
        payload = await self.payload_for(event["payload"])
        if payload is _CLOSE:
            await self.close(code=CLOSE_FORBIDDEN)
        elif payload is not None:
            await self.send_json(payload)

    async def session_ended(self, event):
        await self.close(code=CLOSE_FORBIDDEN)

    @database_sync_to_async
    def payload_for(self, payload: dict):
        """What this socket may receive of the event now: the payload, a reduced one, None or _CLOSE."""
        user = self.scope.get("user")
        session_key = getattr(self.scope.get("session"), "session_key", None)
        if not session_still_valid(session_key=session_key, user=user):
            return _CLOSE
        return self.payload_visible(user, payload)

    def payload_visible(self, user, payload: dict):
        raise NotImplementedError

    async def groups_for_connection(self) -> list[str] | None:
        raise NotImplementedError


_CLOSE = object()


class InboxConsumer(_DeskConsumer):
    @database_sync_to_async
    def groups_for_connection(self):
        agent = agent_for(self.scope.get("user"))
        if agent is None:
            return None
        groups = events.inbox_groups_for_agent(agent, sees_all=agent_sees_all(agent))
        if not agent_sees_all(agent) and agent_sees_unrouted(agent):
            groups.append(events.NO_TEAM_GROUP)  # the "No team" queue is live for them too
        return groups + [events.agent_group(agent.pk)]

    def payload_visible(self, user, payload: dict):
        if agent_for(user) is None:
            return _CLOSE
        if visible_tickets(user=user).filter(pk=payload.get("ticket_id")).exists():
            return payload
        # The ticket left this agent's view (moved team, agent left the team): say only that, so
        # the inbox drops the row; nothing about the ticket itself.
        return {"kind": "hidden", "ticket_id": payload.get("ticket_id")}


class TicketConsumer(_DeskConsumer):
    @database_sync_to_async
    def groups_for_connection(self):
        try:
            ticket = ticket_access(
                user=self.scope.get("user"), ticket_id=self.scope["url_route"]["kwargs"]["ticket_id"]
            )
        except (PermissionDenied, Http404):
            return None
        return [events.ticket_group(ticket.pk)]

    def payload_visible(self, user, payload: dict):
        try:
            ticket_access(user=user, ticket_id=self.scope["url_route"]["kwargs"]["ticket_id"])
        except (PermissionDenied, Http404):
            return _CLOSE  # the ticket left this agent's teams: the page must reload to learn more
        return payload
