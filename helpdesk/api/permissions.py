from __future__ import annotations

from django.db.models import QuerySet
from rest_framework.permissions import SAFE_METHODS, BasePermission

from helpdesk.api.auth import ServerPrincipal
from helpdesk.models import Ticket
from helpdesk.selectors.access import agent_for, visible_tickets


def is_server(request) -> bool:
    return isinstance(request.user, ServerPrincipal)


class AgentOrScopedServer(BasePermission):
    """Agents (token or session) may use the API; customers may not. Server tokens need the
    view's scope: `<resource>:read` for safe methods, `<resource>:write` otherwise."""

    message = "Only agents or scoped server tokens may use this endpoint."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if is_server(request):
            resource = getattr(view, "scope_resource", None)
            action = "read" if request.method in SAFE_METHODS else "write"
            self.message = f"This token lacks the scope {resource}:{action}."
            return resource is not None and f"{resource}:{action}" in request.user.scopes
        return agent_for(request.user) is not None


def api_tickets(request) -> QuerySet[Ticket]:
    """The tickets the caller may touch: server tokens all, agents what the desk shows them."""
    if is_server(request):
        return Ticket.objects.all()
    return visible_tickets(user=request.user)


def api_actor(request):
    """Who is recorded in the audit trail for a write."""
    return None if is_server(request) else request.user


def api_actor_label(request) -> str:
    return str(request.user) if is_server(request) else ""
