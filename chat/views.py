"""Chat pages: the widget script (public) and the desk's chat queue and live conversation (agents).
Thin: parse, one selector or service, render."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chat import limits
from chat.groups import nudge
from chat.i18n import supported_language
from chat.selectors.queue import agent_chats, chat_queue, chat_session_access, transfer_targets
from chat.selectors.widgets import demo_widget, origin_allowed, visitor_by_token, widget_by_key
from chat.services.sessions import (
    agent_presence_touch,
    chat_accept,
    chat_close,
    chat_message_receive,
    chat_transfer,
)
from core.client_ip import client_ip
from core.errors import ApplicationError
from core.views import agent_required
from helpdesk.models import Agent
from helpdesk.services.macros import macro_fill, macro_for_ticket, macros_available

WIDGET_JS = Path(settings.BASE_DIR) / "static" / "chat" / "widget.js"


@require_GET
def widget_js(request) -> FileResponse:
    """The one-tag widget, served from the desk's own origin (no CDN); any site may load it."""
    response = FileResponse(WIDGET_JS.open("rb"), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
def demo(request) -> HttpResponse:
    """A page of a pretend shop with the widget on it (one script tag), when the demo is loaded."""
    widget = demo_widget()
    if widget is None:
        raise Http404
    return render(request, "chat/demo.html", {"widget": widget})


def _cors(response: HttpResponse, origin: str) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = origin
    response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response["Access-Control-Max-Age"] = "600"
    response["Vary"] = "Origin"
    return response


@csrf_exempt  # no cookies: the visitor token in the form authenticates, the origin is checked
@require_http_methods(["POST", "OPTIONS"])
def upload(request, key: str) -> HttpResponse:
    """A visitor's file (with optional text) from the widget, through the desk's attachment limits.
    Multipart fields: token, client_id, text, file. The socket shows it like any message."""
    widget = widget_by_key(key)
    origin = request.headers.get("Origin", "")
    if widget is None or not origin_allowed(widget=widget, origin=origin, host=request.get_host()):
        return JsonResponse({"error": "forbidden"}, status=403)
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204), origin)
    with translation.override(supported_language(widget.language)):  # what the visitor reads, in the widget's
        return _upload(request, widget, origin)


def _upload(request, widget, origin: str) -> HttpResponse:
    visitor = visitor_by_token(widget=widget, token=request.POST.get("token", ""))
    uploaded = request.FILES.get("file")
    if visitor is None or uploaded is None:
        return _cors(
            JsonResponse({"error": "bad_request", "text": _("A token and a file are needed.")}, status=400),
            origin,
        )
    if not (
        limits.rate_allowed_sync(f"upload:{visitor.pk}", limits.upload_limit())
        and limits.rate_allowed_sync(f"ip:{client_ip(request)}", limits.ip_message_limit())
    ):
        return _cors(
            JsonResponse({"error": "rate_limited", "text": _("Slow down a little, please.")}, status=429),
            origin,
        )
    try:
        data = _read_upload(uploaded)
        message = chat_message_receive(
            visitor=visitor, text=request.POST.get("text", "")[: widget.max_message_chars],
            client_id=request.POST.get("client_id", "")[:64],
            attachments=[(uploaded.name, data, uploaded.content_type or "")],
        )  # fmt: skip
    except ApplicationError as error:
        return _cors(JsonResponse({"error": "refused", "text": str(error)}, status=422), origin)
    nudge(message.ticket_id)
    return _cors(JsonResponse({"ticket": message.ticket_id, "seq": message.seq}), origin)


def _read_upload(uploaded) -> bytes:
    """Read at most the attachment limit (+1 byte, so a larger file is refused by the check)."""
    limit = settings.HELMDESK_ATTACHMENT_MAX_BYTES
    chunks, total = [], 0
    for chunk in uploaded.chunks():
        total += len(chunk)
        chunks.append(chunk)
        if total > limit:
            break
    return b"".join(chunks)[: limit + 1]


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
    context = {
        "session": session, "agents": transfer_targets(session=session), "nav_active": "chat",
        "macros": macros_available(agent=request.agent, ticket=session.ticket),
    }  # fmt: skip
    return render(request, "chat/conversation.html", context)


@require_GET
@agent_required
def macro(request, session_id: int) -> JsonResponse:
    """A macro's text filled for this conversation, for the reply box (the agent edits, then sends)."""
    session = chat_session_access(user=request.user, session_id=session_id)
    found = macro_for_ticket(macro_id=request.GET.get("macro"), agent=request.agent, ticket=session.ticket)
    if found is None:
        return JsonResponse({"error": "not_found"}, status=404)
    return JsonResponse({"text": macro_fill(text=found.body, ticket=session.ticket, agent=request.agent)})


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
        messages.error(request, _("Choose an agent."))
        return redirect("chat_desk:conversation", session_id=session_id)
    return _act(
        request, session_id, lambda s: chat_transfer(session=s, to_agent=to_agent, actor=request.agent)
    )


@require_POST
@agent_required
def close(request, session_id: int) -> HttpResponse:
    return _act(request, session_id, lambda s: chat_close(session=s, actor=request.agent))
