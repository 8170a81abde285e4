"""WebSocket consumers for live desk updates. Thin: authenticate, join the groups events.py names."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied
from django.http import Http404

from helpdesk import events
from helpdesk.selectors.access import agent_for, agent_sees_all, ticket_access


class _DeskConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self):
        self.groups_joined = []
        groups = await self.groups_for_connection()
        if groups is None:
            await self.close(code=4403)
            return
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        await self.accept()

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def ticket_event(self, event):
        await self.send_json(event["payload"])

    async def groups_for_connection(self) -> list[str] | None:
        raise NotImplementedError


class InboxConsumer(_DeskConsumer):
    @database_sync_to_async
    def groups_for_connection(self):
        agent = agent_for(self.scope.get("user"))
        if agent is None:
            return None
        groups = events.inbox_groups_for_agent(agent, sees_all=agent_sees_all(agent))
        return groups + [events.agent_group(agent.pk)]


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
