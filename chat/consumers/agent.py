"""The agents' chat sockets (behind the desk's login and host checks): the chat queue
(ws/desk/chat/queue/) and one live conversation (ws/desk/chat/<session id>/)."""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied
from django.http import Http404

from chat.consumers.base import ConversationSocket, db
from chat.groups import QUEUE_GROUP
from chat.models import ChatSession
from chat.services.sessions import agent_presence_touch, chat_agent_reply
from core.errors import ApplicationError
from helpdesk.selectors.access import agent_for, ticket_access

CLOSE_FORBIDDEN = 4403


class ChatQueueConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        agent = await db(agent_for)(self.scope.get("user"))
        if agent is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await db(agent_presence_touch)(agent=agent)
        await self.channel_layer.group_add(QUEUE_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(QUEUE_GROUP, self.channel_name)

    async def chat_queue(self, event):
        await self.send_json({"type": "queue"})


def _session_for(user, session_id: int):
    """The session, when the user is an agent who may see its ticket (None otherwise)."""
    agent = agent_for(user)
    session = ChatSession.objects.filter(pk=session_id).first()
    if agent is None or session is None or session.ticket_id is None:
        return None, None
    try:
        ticket_access(user=user, ticket_id=session.ticket_id)
    except (PermissionDenied, Http404):
        return None, None
    return agent, session


class AgentChatConsumer(ConversationSocket):
    include_internal = True
    agent = None
    session = None

    async def connect(self):
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        self.agent, self.session = await db(_session_for)(self.scope.get("user"), session_id)
        if self.session is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.accept()
        await self.conversation_join(self.session.ticket_id)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "hello" or kind == "sync":
            self.last_seq = max(0, int(content.get("last_seq") or 0)) if kind == "hello" else self.last_seq
            await self.sync()
        elif kind == "message":
            await self.reply(content)
        elif kind == "typing":
            await self.relay("chat.typing", who="agent", name=self.agent.name)
        elif kind == "read":
            await self.relay("chat.read", who="agent", seq=int(content.get("seq") or 0))

    async def reply(self, content):
        client_id = str(content.get("client_id") or "")[:64]
        try:
            await db(chat_agent_reply)(
                session=self.session,
                agent=self.agent,
                text=str(content.get("text") or ""),
                client_id=client_id,
            )
        except ApplicationError as error:
            await self.send_json(
                {"type": "error", "code": "refused", "text": str(error), "client_id": client_id}
            )
            return
        await self.sync()
        await self.relay("chat.sync")
