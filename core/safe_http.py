"""HTTP to addresses chosen by someone else (webhook URLs, imported websites), safe against SSRF.

For every request, and again for every redirect hop:
- only http and https, no credentials in the URL;
- the host is resolved and *every* address must be public (not private, loopback, link-local,
  multicast, reserved, unspecified, or IPv4-mapped/6to4/Teredo forms of those);
- the socket connects to the address that was checked (pinned), so DNS rebinding between the check
  and the connect cannot reach another host; TLS still verifies the certificate for the host name;
- bodies are read up to `max_bytes`.

`allow_private_hosts` names the hosts the operator vouches for (they may resolve to private
addresses), per port: "intranet.local:8080" allows that port only, and a bare "intranet.local" only
the scheme's default port (80 for http, 443 for https), never every service on the host.
`allow_all_private` lifts the rule entirely (an admin setting, off by default).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_TIMEOUT_S = 15.0


class FetchError(Exception):
    """A URL could not be fetched; the message says why."""


class BlockedAddress(FetchError):
    """The URL points to an address we must not reach."""


def system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            return address_is_public(str(embedded))
        if ip.teredo:
            return False
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    ):
        return False
    return ip.is_global


@dataclass
class SafeHttpClient:
    allow_private_hosts: frozenset[str] = frozenset()
    allow_all_private: bool = False
    max_bytes: int = 5 * 1024 * 1024
    timeout_s: float = DEFAULT_TIMEOUT_S
    user_agent: str = "Helmdesk/1.0"
    resolve: object = field(default=system_resolve)  # (host, port) -> [addresses]

    def private_allowed(self, scheme: str, host: str, port: int) -> bool:
        """Whether the operator vouched for this host on this port."""
        default = port == (443 if scheme == "https" else 80)
        named = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        return named in self.allow_private_hosts or (default and host in self.allow_private_hosts)

    def check_url(self, url: str) -> tuple[str, str, int, str]:
        """Validate a URL; return (scheme, host, port, address to connect to) or raise BlockedAddress."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise BlockedAddress(f"only http and https URLs are allowed, not {scheme or 'a relative URL'}")
        host = (parts.hostname or "").lower()
        if not host:
            raise BlockedAddress("the URL has no host")
        if parts.username or parts.password:
            raise BlockedAddress("URLs with credentials are not allowed")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise BlockedAddress(f"bad port: {exc}") from exc
        try:
            addresses = self.resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise FetchError(f"{host} has no address")
        if not self.allow_all_private and not self.private_allowed(scheme, host, port):
            blocked = [address for address in addresses if not address_is_public(address)]
            if blocked:
                raise BlockedAddress(
                    f"{host} resolves to a non-public address ({', '.join(blocked)}); allow it explicitly if you trust it"
                )
        return scheme, host, port, addresses[0]

    def request(
        self, method: str, url: str, *, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One request, no redirects followed. Returns (status, lower-cased headers, body)."""
        scheme, host, port, address = self.check_url(url)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection = self._connection(scheme, host, port, address)
        all_headers = {
            "Host": parts.netloc.rpartition("@")[2],
            "User-Agent": self.user_agent,
            **(headers or {}),
        }
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            response_headers = {name.lower(): value for name, value in response.getheaders()}
            declared = response_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(f"response is {declared} bytes, over the {self.max_bytes}-byte limit")
            data = response.read(self.max_bytes + 1)
            if len(data) > self.max_bytes:
                raise FetchError(f"response is over the {self.max_bytes}-byte limit")
            return response.status, response_headers, data
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{url}: {exc.__class__.__name__}: {exc}") from exc
        finally:
            connection.close()

    def post(self, url: str, *, body: bytes, headers: dict | None = None):
        return self.request("POST", url, body=body, headers=headers)

    def _connection(self, scheme: str, host: str, port: int, address: str) -> http.client.HTTPConnection:
        if scheme == "https":
            connection = http.client.HTTPSConnection(
                host, port, timeout=self.timeout_s, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(host, port, timeout=self.timeout_s)

        def pinned_connect(_address, timeout=None, source_address=None):
            return socket.create_connection((address, port), timeout, source_address)

        connection._create_connection = pinned_connect
        return connection
