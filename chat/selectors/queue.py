"""The agents' side: the chat queue, an agent's live chats, one session with its permission check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from chat.models import ChatSession
from helpdesk.models import Agent
from helpdesk.selectors.access import ticket_access, visible_tickets

Status = ChatSession.Status


def chat_queue(*, user) -> QuerySet[ChatSession]:
    """Open chats without an agent the user may see: those waiting for a person first, longest
    waiting first; then those the AI is handling."""
    return (
        ChatSession.objects.filter(status__in=[Status.WAITING, Status.BOT], agent__isnull=True)
        .filter(ticket__in=visible_tickets(user=user))
        .select_related("ticket", "visitor", "widget")
        .order_by("-status", "waiting_since")  # "waiting" sorts before "bot" descending
    )


def agent_chats(*, agent: Agent) -> QuerySet[ChatSession]:
    return ChatSession.objects.filter(agent=agent, status=Status.ACTIVE).select_related("ticket", "visitor")


def chat_session_access(*, user, session_id: int) -> ChatSession:
    """The session when the user may see its ticket; 404 otherwise (no hint that it exists)."""
    session = (
        ChatSession.objects.select_related("ticket", "visitor", "agent", "widget")
        .filter(pk=session_id)
        .first()
    )
    if session is None or session.ticket_id is None:
        raise Http404
    try:
        ticket_access(user=user, ticket_id=session.ticket_id)
    except PermissionDenied as error:
        raise Http404 from error
    return session


def transfer_targets(*, session: ChatSession) -> QuerySet[Agent]:
    return Agent.objects.exclude(pk=session.agent_id).select_related("user").order_by("user__username")
