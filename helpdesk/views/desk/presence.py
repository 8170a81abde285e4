"""Collision warning on the ticket page: which other agents have it open or are typing a reply."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.views import agent_required
from helpdesk.selectors.access import ticket_access
from helpdesk.services.presence import presence_leave, presence_others, presence_touch


@require_http_methods(["GET", "POST"])
@agent_required
def ticket_presence(request, ticket_id: int):
    """GET (the banner's poll) and POST (the reply box's "typing" beat) both say "I am here";
    POST with leave=1 says the page is closing. Answers with the banner."""
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    if request.method == "POST" and request.POST.get("leave"):
        presence_leave(ticket_id=ticket.pk, agent=request.agent)
    else:
        typing = request.method == "POST" and request.POST.get("typing") == "1"
        presence_touch(ticket_id=ticket.pk, agent=request.agent, typing=typing)
    others = presence_others(ticket_id=ticket.pk, agent=request.agent)
    return render(request, "desk/partials/presence.html", {"ticket": ticket, "others": others})
