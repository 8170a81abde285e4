"""The AI panel on the ticket page: the draft (regenerate, restyle, use), the summary, the mode label,
and the AI messages of the thread with their flag control. Every POST works with and without htmx."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from ai.models import AIDraft, AIFlag
from ai.selectors.drafts import ai_messages_recent, ticket_draft_get
from ai.services.drafts import draft_create, draft_latest, draft_send
from core.errors import ApplicationError
from core.views import agent_required, is_htmx
from gateway import llm
from helpdesk.models import Ticket
from helpdesk.selectors.access import ticket_access

PANEL_TEMPLATE = "ai/partials/ai_panel.html"


def back_to_ticket(ticket: Ticket) -> HttpResponseRedirect:
    try:
        return HttpResponseRedirect(reverse("desk:ticket", args=[ticket.pk]))
    except NoReverseMatch:
        return HttpResponseRedirect(reverse("ai:ai_panel", args=[ticket.pk]))


def panel_context(ticket: Ticket, **extra) -> dict:
    draft = draft_latest(ticket=ticket)
    ai_messages = ai_messages_recent(ticket=ticket)
    return {
        "ticket": ticket,
        "draft": draft if draft and not draft.sent_message_id else None,
        "draft_mode": llm.generation_mode("draft"),
        "variants": AIDraft.Variant.choices,
        "ai_messages": ai_messages,
        "flag_kinds": AIFlag.Kind.choices,
        "ai_panel_loaded": True,
        **extra,
    }


def render_panel(
    request, ticket: Ticket, *, status: int = 200, changed: bool = False, **extra
) -> HttpResponse:
    response = render(request, PANEL_TEMPLATE, panel_context(ticket, **extra), status=status)
    return trigger_client_event(response, "ticket-changed") if changed else response


@require_GET
@agent_required
@vary_on_headers("HX-Request")
def ai_panel(request, ticket_id: int) -> HttpResponse:
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    return render_panel(request, ticket)


@require_POST
@agent_required
def draft_regenerate(request, ticket_id: int) -> HttpResponse:
    """A new draft: "original" regenerates; shorter / friendlier / more_formal restyle."""
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    variant = request.POST.get("variant", AIDraft.Variant.ORIGINAL)
    try:
        draft_create(ticket=ticket, agent=request.agent, variant=variant)
    except ApplicationError as error:
        if is_htmx(request):
            return render_panel(request, ticket, status=400, error=error.message)
        messages.error(request, error.message)
        return back_to_ticket(ticket)
    if is_htmx(request):
        return render_panel(request, ticket)
    return back_to_ticket(ticket)


@require_POST
@agent_required
def draft_use(request, ticket_id: int, draft_id: int) -> HttpResponse:
    """Send the (edited) draft as the agent's reply."""
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    draft = ticket_draft_get(ticket=ticket, draft_id=draft_id)
    try:
        draft_send(draft=draft, agent=request.agent, text=request.POST.get("text", ""))
    except ApplicationError as error:
        if is_htmx(request):
            return render_panel(request, ticket, status=400, error=error.message)
        messages.error(request, error.message)
        return back_to_ticket(ticket)
    if is_htmx(request):
        return render_panel(request, ticket, changed=True, flash=_("Reply sent."))
    messages.success(request, _("Reply sent."))
    return back_to_ticket(ticket)
