"""Same-origin check for the desk's WebSockets: scheme, host AND port must match.

Channels' AllowedHostsOriginValidator compares the Origin's host with ALLOWED_HOSTS only, so a page
on http://help.example.com:8080 (or plain http beside https) could open an agent's socket with their
cookies. Here the Origin must be exactly the site's own origin: HELMDESK_SITE_URL, an entry of
CSRF_TRUSTED_ORIGINS, or the origin this very request was made to (its Host header, which must be
an allowed host, and its scheme: wss/https directly or through the trusted proxy header).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_normalise(value: str) -> str | None:
    """ "HTTPS://Help.Example.com:443" -> "https://help.example.com"; None if it is no origin."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    host = f"[{host}]" if ":" in host else host
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _request_scheme(scope) -> str:
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, secure_value = proxy_header
        forwarded = _header(scope, name.lower().removeprefix("http_").replace("_", "-").encode())
        if forwarded:
            return "https" if forwarded.split(",")[0].strip() == secure_value else "http"
    return "https" if scope.get("scheme") in ("wss", "https") else "http"


def origins_allowed(scope) -> set[str]:
    configured = [settings.SITE_URL, *getattr(settings, "CSRF_TRUSTED_ORIGINS", [])]
    allowed = {o for o in (origin_normalise(v) for v in configured if "*" not in v) if o}
    host = _header(scope, b"host")
    domain, _port = split_domain_port(host)
    if domain and validate_host(domain, settings.ALLOWED_HOSTS):
        own = origin_normalise(f"{_request_scheme(scope)}://{host}")
        if own:
            allowed.add(own)
    return allowed


def origin_ok(scope) -> bool:
    origin = origin_normalise(_header(scope, b"origin"))
    return origin is not None and origin in origins_allowed(scope)


class SameOriginValidator:
    """ASGI: refuse a WebSocket whose Origin is not exactly one of ours (403 at the handshake)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "websocket" and not origin_ok(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.app(scope, receive, send)
