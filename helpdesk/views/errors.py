"""Branded error pages (403, 404, 500) for the desk, the portal and the help center.

Each page names the company (desk settings) and links home: the desk inbox for desk and admin
paths, the help center for everything customers see. The 500 page reads nothing it does not need:
if the database is what failed, it still renders with the configured name.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from helpdesk.selectors.desk_settings import company_name

DESK_PREFIXES = ("/desk/", "/admin/", "/api/")


def _area(request) -> dict:
    if request.path.startswith(DESK_PREFIXES):
        return {"home_url": reverse("desk:inbox"), "home_label": _("Back to the inbox"), "area": "desk"}
    if request.path.startswith("/portal/"):
        return {"home_url": reverse("portal:tickets"), "home_label": _("Go to my requests"), "area": "public"}
    return {"home_url": reverse("help:home"), "home_label": _("Go to the help center"), "area": "public"}


def _render(request, template: str, status: int, **extra) -> HttpResponse:
    context = {"COMPANY_NAME": company_name(), "request_path": request.path, **_area(request), **extra}
    body = loader.get_template(template).render(context, request if status != 500 else None)
    return HttpResponse(body, status=status)


@requires_csrf_token
def permission_denied(request, exception=None):
    # A PermissionDenied raised with a message meant for people ("This ticket belongs to a team you
    # are not in.") says why; anything else gets the generic sentence.
    reason = ""
    if isinstance(exception, PermissionDenied) and exception.args and isinstance(exception.args[0], str):
        reason = exception.args[0]
    return _render(request, "403.html", 403, reason=reason)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _render(request, "404.html", 404)


@requires_csrf_token
def server_error(request):
    return _render(request, "500.html", 500)


def csrf_failure(request, reason: str = ""):
    """A form sent without a valid security token (usually a page left open too long, or cookies
    blocked): say what to do instead of Django's technical page."""
    reason = _(
        "The form could not be sent because the page was open too long or your browser blocked "
        "cookies. Go back, reload the page and try again."
    )
    return _render(request, "403.html", 403, reason=reason)
