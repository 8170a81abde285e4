"""Template context every page shares: the company name from the desk settings (read lazily, once)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from helpdesk.selectors.access import agent_desk_settings
from helpdesk.selectors.desk_settings import company_name


def branding(request) -> dict:
    agent = getattr(request, "agent", None)

    def name() -> str:
        # On desk pages the agent's request has usually read the settings row already: reuse it.
        if agent is not None:
            return agent_desk_settings(agent).company_name or company_name()
        return company_name()

    return {"COMPANY_NAME": SimpleLazyObject(name)}
