"""The agent's own API tokens, on the settings page: create (key shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.views import agent_required
from helpdesk.models import ApiToken
from helpdesk.services.api_tokens import api_token_create, api_token_revoke


@agent_required
@require_POST
def token_create(request):
    try:
        _token, raw = api_token_create(name=request.POST.get("name", ""), agent=request.agent)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        # Shown once, on the next page only; never stored in clear.
        request.session["new_api_token"] = raw
    return redirect("desk:settings")


@agent_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, agent=request.agent, revoked_at__isnull=True)
    api_token_revoke(token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("desk:settings")
