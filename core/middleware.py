import zoneinfo

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.request_input import FORM_CONTENT_TYPES, InputTooLong, has_control_chars, query_dict_clean


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


class InputNormalizeMiddleware:
    """The edge every request passes: control characters stripped, over-long query values refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_chars(request.path):
            return HttpResponseBadRequest(
                _("The address contains control characters."), content_type="text/plain"
            )
        try:
            request.GET = query_dict_clean(request.GET, max_chars=settings.HELMDESK_QUERY_VALUE_MAX_CHARS)
        except InputTooLong:
            return HttpResponseBadRequest(
                _("A search or filter value is too long."), content_type="text/plain"
            )
        content_type = request.content_type or ""
        if request.method not in ("GET", "HEAD", "OPTIONS") and content_type.startswith(FORM_CONTENT_TYPES):
            try:
                request.POST = query_dict_clean(request.POST)
            except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError):
                return HttpResponseBadRequest(
                    _("The form is too large or malformed."), content_type="text/plain"
                )
        return self.get_response(request)
