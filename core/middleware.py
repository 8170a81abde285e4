import zoneinfo

from django.utils import timezone, translation


class AgentTimezoneMiddleware:
    """Activate the signed-in agent's time zone and language for the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        agent = (
            getattr(getattr(request, "user", None), "agent", None) if request.user.is_authenticated else None
        )
        if agent is not None:
            if agent.time_zone:
                try:
                    timezone.activate(zoneinfo.ZoneInfo(agent.time_zone))
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    timezone.deactivate()
            if agent.language:
                translation.activate(agent.language)
                request.LANGUAGE_CODE = agent.language
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
