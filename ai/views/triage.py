"""The triage panel on the ticket page: the result with its reason, and one-click correction."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from ai.selectors.triage import correction_choice, triage_panel_data
from ai.services.triage import triage_correct
from core.views import agent_required, is_htmx
from helpdesk.models import Ticket, TicketPriority
from helpdesk.selectors.access import ticket_access

PANEL_TEMPLATE = "ai/partials/triage_panel.html"


def _back_to_ticket(ticket: Ticket) -> HttpResponseRedirect:
    try:
        return HttpResponseRedirect(reverse("desk:ticket", args=[ticket.pk]))
    except NoReverseMatch:  # the desk's ticket page is not mounted: show the panel itself
        return HttpResponseRedirect(reverse("ai:triage_panel", args=[ticket.pk]))


def _panel_context(ticket: Ticket, **extra) -> dict:
    return {
        "ticket": ticket,
        **triage_panel_data(ticket=ticket),
        "priority_choices": TicketPriority.choices,
        "triage_panel_loaded": True,
        **extra,
    }


@require_GET
@agent_required
@vary_on_headers("HX-Request")
def triage_panel(request, ticket_id: int) -> HttpResponse:
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    return render(request, PANEL_TEMPLATE, _panel_context(ticket))


@require_POST
@agent_required
def triage_correction(request, ticket_id: int) -> HttpResponse:
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    topic, team = correction_choice(topic_id=request.POST.get("topic"), team_id=request.POST.get("team"))
    priority = request.POST.get("priority", "")
    if priority not in TicketPriority.values:
        priority = ""
    if topic is None and team is None and not priority:
        error = _("Choose a topic, a team or a priority.")
        if is_htmx(request):
            return render(request, PANEL_TEMPLATE, _panel_context(ticket, error=error), status=400)
        messages.error(request, error)
        return _back_to_ticket(ticket)
    triage_correct(ticket=ticket, actor=request.agent, topic=topic, team=team, priority=priority)
    if is_htmx(request):
        response = render(request, PANEL_TEMPLATE, _panel_context(ticket, saved=True))
        return trigger_client_event(response, "ticket-changed")
    messages.success(request, _("Triage corrected; the AI learns from it."))
    return _back_to_ticket(ticket)
