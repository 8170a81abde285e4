"""The triage panel on the ticket page: the result with its reason, and one-click correction."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from ai.models import TicketTriage, Topic
from ai.services.triage import triage_correct
from helpdesk.models import Team, Ticket, TicketPriority
from helpdesk.selectors.access import agent_for, ticket_access

PANEL_TEMPLATE = "ai/partials/triage_panel.html"


def agent_required(view):
    """Signed-in agents only: anonymous users go to the login page, other users get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.agent = agent_for(request.user)
        if request.agent is None:
            raise PermissionDenied(_("Only agents can use the desk."))
        return view(request, *args, **kwargs)

    return wrapper


def is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


def _back_to_ticket(ticket: Ticket) -> HttpResponseRedirect:
    try:
        return HttpResponseRedirect(reverse("desk:ticket", args=[ticket.pk]))
    except NoReverseMatch:  # the desk's ticket page is not mounted: show the panel itself
        return HttpResponseRedirect(reverse("ai:triage_panel", args=[ticket.pk]))


def _panel_context(ticket: Ticket, **extra) -> dict:
    return {
        "ticket": ticket,
        "triage": TicketTriage.objects.filter(ticket=ticket).select_related("topic").first(),
        "topics": Topic.objects.filter(is_active=True).order_by("name"),
        "teams": Team.objects.order_by("name"),
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
    topic = _pick(Topic.objects.filter(is_active=True), request.POST.get("topic"))
    team = _pick(Team.objects.all(), request.POST.get("team"))
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


def _pick(queryset, raw: str | None):
    if not raw or not str(raw).isdigit():
        return None
    return get_object_or_404(queryset, pk=int(raw))
