"""The agent's own settings page: display name, signature, language, time zone, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.views import agent_required
from helpdesk.services.agents import agent_profile_update
from helpdesk.views.desk.forms import AgentSettingsForm


@agent_required
def agent_settings(request):
    agent = request.agent
    if request.method == "POST":
        form = AgentSettingsForm(request.POST)
        if form.is_valid():
            try:
                agent_profile_update(agent=agent, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(exc.extra.get("field"), exc.message)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("desk:settings")
    else:
        form = AgentSettingsForm(
            initial={
                # The name the desk shows (display name, else the account's full name or username).
                "display_name": agent.display_name or agent.name,
                "signature": agent.signature,
                "language": agent.language,
                "time_zone": agent.time_zone,
            }
        )
    context = {
        "form": form,
        "agent": agent,
        "api_tokens": agent.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at"),
        "new_api_token": request.session.pop("new_api_token", ""),
    }
    return render(request, "desk/settings.html", context)
