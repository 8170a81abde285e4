"""Small helpers shared by the desk views."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from helpdesk.selectors.access import agent_for


def agent_required(view):
    """Signed-in agents only: anonymous users go to the login page, other users get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        agent = agent_for(request.user)
        if agent is None:
            raise PermissionDenied(_("Only agents can use the desk."))
        request.agent = agent
        return view(request, *args, **kwargs)

    return wrapper


def is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))
