from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from core.client_ip import client_ip
from helpdesk.models import ApiToken
from helpdesk.services.api_tokens import api_token_authenticate


@dataclass
class ServerPrincipal:
    """The caller of a server-to-server token: no user, only scopes."""

    token: ApiToken
    scopes: frozenset = field(default_factory=frozenset)
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_staff: bool = False
    is_superuser: bool = False
    pk: None = None

    def __str__(self) -> str:
        return f"server:{self.token.name}"

    def get_username(self) -> str:
        return f"api:{self.token.name}"


def _failure_count(key: str) -> None:
    """One more failed token from this address (a fixed window: the first failure starts it)."""
    if not cache.add(key, 1, timeout=settings.HELMDESK_API_AUTH_FAILURE_WINDOW_S):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, timeout=settings.HELMDESK_API_AUTH_FAILURE_WINDOW_S)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer hd_...` (or `Token hd_...`)."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header."))
        failures_key = "api-auth-failures:" + client_ip(request)
        if cache.get(failures_key, 0) >= settings.HELMDESK_API_AUTH_FAILURE_LIMIT:
            raise exceptions.Throttled(
                wait=settings.HELMDESK_API_AUTH_FAILURE_WINDOW_S,
                detail=str(_("Too many failed authentication attempts from this address. Try again later.")),
            )
        token = api_token_authenticate(header[1].decode(errors="replace"))
        if token is None:
            _failure_count(failures_key)
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if token.kind == ApiToken.Kind.SERVER:
            return ServerPrincipal(token=token, scopes=frozenset(token.scopes)), token
        if token.agent is None or not token.agent.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's agent is inactive."))
        return token.agent.user, token

    def authenticate_header(self, request):
        return "Bearer"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "helpdesk.api.auth.ApiTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (hd_...) from the desk settings.",
        }
