"""Agents flag an AI message as incorrect, incomplete, outdated or inappropriate (shown in the admin)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ai.selectors.drafts import ticket_message_get
from ai.services.interactions import ai_flag_create
from ai.views.drafts import back_to_ticket, render_panel
from core.errors import ApplicationError
from core.views import agent_required, is_htmx
from helpdesk.selectors.access import ticket_access


@require_POST
@agent_required
def message_flag(request, ticket_id: int, message_id: int) -> HttpResponse:
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    message = ticket_message_get(ticket=ticket, message_id=message_id)
    try:
        ai_flag_create(
            agent=request.agent, message=message, kind=request.POST.get("kind", ""),
            comment=request.POST.get("comment", ""),
        )  # fmt: skip
    except ApplicationError as error:
        if is_htmx(request):
            return render_panel(request, ticket, status=400, error=error.message)
        messages.error(request, error.message)
        return back_to_ticket(ticket)
    if is_htmx(request):
        return render_panel(request, ticket, flash=_("Thanks, the AI message was flagged."))
    messages.success(request, _("Thanks, the AI message was flagged."))
    return back_to_ticket(ticket)
