"""Chat pages: the widget script (public) and the desk's chat queue and live conversation (agents).
Thin: parse, one selector or service, render."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from chat.selectors.queue import agent_chats, chat_queue, chat_session_access, transfer_targets
from chat.services.sessions import agent_presence_touch, chat_accept, chat_close, chat_transfer
from core.errors import ApplicationError
from core.views import agent_required
from helpdesk.models import Agent

WIDGET_JS = Path(settings.BASE_DIR) / "static" / "chat" / "widget.js"


@require_GET
def widget_js(request) -> FileResponse:
    """The one-tag widget, served from the desk's own origin (no CDN); any site may load it."""
    response = FileResponse(WIDGET_JS.open("rb"), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@agent_required
def queue(request) -> HttpResponse:
    agent_presence_touch(agent=request.agent)
    context = {
        "queue": chat_queue(user=request.user),
        "mine": agent_chats(agent=request.agent),
        "nav_active": "chat",
    }
    template = "chat/partials/queue.html" if request.htmx else "chat/queue.html"
    return render(request, template, context)


@agent_required
def conversation(request, session_id: int) -> HttpResponse:
    session = chat_session_access(user=request.user, session_id=session_id)
    context = {"session": session, "agents": transfer_targets(session=session), "nav_active": "chat"}
    return render(request, "chat/conversation.html", context)


def _act(request, session_id: int, action) -> HttpResponse:
    session = chat_session_access(user=request.user, session_id=session_id)
    try:
        action(session)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("chat_desk:queue")
    return redirect("chat_desk:conversation", session_id=session.pk)


@require_POST
@agent_required
def accept(request, session_id: int) -> HttpResponse:
    return _act(request, session_id, lambda s: chat_accept(session=s, agent=request.agent))


@require_POST
@agent_required
def transfer(request, session_id: int) -> HttpResponse:
    to_agent = Agent.objects.filter(pk=request.POST.get("agent") or 0).first()
    if to_agent is None:
        messages.error(request, "Choose an agent.")
        return redirect("chat_desk:conversation", session_id=session_id)
    return _act(
        request, session_id, lambda s: chat_transfer(session=s, to_agent=to_agent, actor=request.agent)
    )


@require_POST
@agent_required
def close(request, session_id: int) -> HttpResponse:
    return _act(request, session_id, lambda s: chat_close(session=s, actor=request.agent))
