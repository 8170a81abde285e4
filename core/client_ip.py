"""The client's address behind trusted reverse proxies.

`X-Forwarded-For` is a list the client starts and each proxy appends to: only the entries added by
proxies we trust are facts; the leftmost is whatever the client wrote. So the client is the
right-most address that is not one of our proxies. `HELMDESK_TRUSTED_PROXIES` says who they are:

- empty (the default): nobody; the header is ignored and the peer address is the client;
- a number N: the N hops nearest to us are proxies (the peer and N-1 forwarded entries);
- networks (`10.0.0.0/8, 127.0.0.1`): hops inside them are proxies, skipped from the right.

`TrustedProxyMiddleware` applies it to every HTTP and WebSocket scope before anything reads
`scope["client"]` (Django's REMOTE_ADDR, per-IP limits, the chat widget's socket), so there is
one answer everywhere. Run daphne WITHOUT `--proxy-headers` (that takes the leftmost value).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_proxies_parse(value: str) -> int | tuple[Network, ...]:
    """ "" -> 0, "2" -> 2, "10.0.0.0/8, ::1" -> networks. Raises ValueError on anything else."""
    value = (value or "").strip()
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()
    )


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.9:443"
        value = value.split(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def client_ip_resolve(*, peer: str, forwarded_for: str, trusted: int | tuple[Network, ...]) -> str:
    """The client address: the right-most hop of [forwarded..., peer] that is not a trusted proxy."""
    hops = [hop for hop in (h.strip() for h in forwarded_for.split(",")) if hop] + [peer]
    if not trusted:
        return peer
    if isinstance(trusted, int):
        index = max(0, len(hops) - 1 - trusted)
        candidates = [hops[index]]
    else:
        candidates = []
        for hop in reversed(hops):
            address = _address(hop)
            candidates = [hop]
            if address is None or not any(address in net for net in trusted):
                break
    address = _address(candidates[0])
    # A forged or garbled entry never becomes the client: fall back to the nearest hop we know.
    return str(address) if address is not None else peer


def _header(scope, name: bytes) -> str:
    values = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == name]
    return ",".join(values)


class TrustedProxyMiddleware:
    """ASGI: rewrite scope["client"] to the real client for HTTP and WebSocket scopes."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") in ("http", "websocket"):
            trusted = trusted_proxies_parse(settings.HELMDESK_TRUSTED_PROXIES)
            if trusted:
                peer, port = scope.get("client") or ("", 0)
                client = client_ip_resolve(
                    peer=peer, forwarded_for=_header(scope, b"x-forwarded-for"), trusted=trusted
                )
                scope = dict(scope, client=(client, port if client == peer else 0))
        return await self.app(scope, receive, send)


def client_ip(request) -> str:
    """The client's address for a Django request (REMOTE_ADDR, already resolved by the middleware)."""
    return request.META.get("REMOTE_ADDR", "") or ""
