"""View helpers every app's desk pages share: one `agent_required`, one htmx-or-redirect response.

core sits below the apps, so it cannot know what an agent is. The ticketing app says so once, in its
AppConfig.ready(): ``core.views.register_agent_lookup(agent_for)``. Until something is registered
no one counts as an agent (fail closed: the desk answers 403, never lets a user in).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

AgentLookup = Callable[[Any], Any]
_agent_lookup: AgentLookup | None = None


def register_agent_lookup(lookup: AgentLookup) -> None:
    """`lookup(user)` returns the user's agent, or None for users who are not agents."""
    global _agent_lookup
    _agent_lookup = lookup


def request_agent(user) -> Any:
    """The agent behind a user, or None (also when no app registered a lookup)."""
    if _agent_lookup is None or user is None or not user.is_authenticated:
        return None
    return _agent_lookup(user)


def agent_required(view):
    """Signed-in agents only: anonymous users go to the login page, other users get 403.
    The agent is on `request.agent` for the view."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        agent = request_agent(request.user)
        if agent is None:
            raise PermissionDenied(_("Only agents can use the desk."))
        request.agent = agent
        return view(request, *args, **kwargs)

    return wrapper


def is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


def htmx_or_redirect(request, to, *args, **kwargs) -> HttpResponse:
    """Go to `to` (a URL, a URL name with args, or a model): htmx requests get HX-Redirect so the
    browser loads the whole page, plain requests get a normal redirect."""
    if is_htmx(request):
        return HttpResponseClientRedirect(redirect(to, *args, **kwargs).url)
    return redirect(to, *args, **kwargs)


def favicon(request) -> HttpResponse:
    """/favicon.ico (asked for by browsers and by pages without an icon link, like the admin): the SVG."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
