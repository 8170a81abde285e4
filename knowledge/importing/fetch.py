"""HTTP fetching for the website importer, safe against SSRF.

An operator types a URL, but the pages it links to and redirects to are chosen by whoever runs that
website. So, for every request and again for every redirect hop:

- only http and https;
- the host name is resolved and *every* address it resolves to must be public (not private,
  loopback, link-local, multicast, reserved, unspecified, shared or IPv4-mapped versions of those);
- the connection goes to the address that was checked (the socket is pinned to it), so a DNS
  answer that changes between the check and the connect (rebinding) cannot sneak in another host;
- redirects are followed by hand, a few at most, each target checked like the first URL;
- the body is read up to `max_bytes` and the request fails beyond that.

`allow_private_hosts` names hosts (as written in URLs, e.g. "127.0.0.1" or "intranet.local") that may
resolve to non-public addresses: the operator vouches for those hosts only. A redirect from an allowed
host to any other private address is still refused.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

USER_AGENT = "HelmdeskImporter/1.0 (+knowledge-base import)"
MAX_REDIRECTS = 5
DEFAULT_TIMEOUT_S = 15.0


class FetchError(Exception):
    """A URL could not be fetched; the message says why (shown in the import summary)."""


class BlockedAddress(FetchError):
    """The URL points to an address the importer must not reach."""


@dataclass(frozen=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    content_type: str
    body: bytes
    redirects: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        charset = "utf-8"
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"'")
        return self.body.decode(charset, errors="replace")


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4 inside IPv6 (::ffff:10.0.0.1, 6to4, Teredo) is judged by the IPv4 address it carries.
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
class SafeFetcher:
    allow_private_hosts: frozenset[str] = frozenset()
    max_bytes: int = 5 * 1024 * 1024
    timeout_s: float = DEFAULT_TIMEOUT_S
    user_agent: str = USER_AGENT
    resolve: object = field(default=_system_resolve)  # (host, port) -> [addresses]; replaceable in tests

    def check_url(self, url: str) -> tuple[str, str, int, str]:
        """Validate a URL and return (scheme, host, port, address to connect to) or raise BlockedAddress."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise BlockedAddress(f"only http and https URLs are fetched, not {scheme or 'a relative URL'}")
        host = (parts.hostname or "").lower()
        if not host:
            raise BlockedAddress("the URL has no host")
        if parts.username or parts.password:
            raise BlockedAddress("URLs with credentials are not fetched")
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
        if host not in self.allow_private_hosts:
            blocked = [address for address in addresses if not address_is_public(address)]
            if blocked:
                raise BlockedAddress(
                    f"{host} resolves to a non-public address ({', '.join(blocked)}); "
                    "use --allow-private for hosts you trust"
                )
        return scheme, host, port, addresses[0]

    def get(
        self, url: str, *, accept: str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"
    ):
        """GET with manual redirects, every hop checked. Returns FetchResult (any status)."""
        redirects: list[str] = []
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            status, headers, body = self._request(current, accept)
            location = headers.get("location")
            if status in (301, 302, 303, 307, 308) and location:
                target = urljoin(current, location)
                redirects.append(target)
                current = target
                continue
            return FetchResult(
                url=current,
                status=status,
                content_type=headers.get("content-type", ""),
                body=body,
                redirects=tuple(redirects),
            )
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _request(self, url: str, accept: str) -> tuple[int, dict[str, str], bytes]:
        scheme, host, port, address = self.check_url(url)
        parts = urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        connection = self._connection(scheme, host, port, address)
        try:
            connection.request(
                "GET",
                path,
                headers={
                    "Host": parts.netloc.rpartition("@")[2],
                    "User-Agent": self.user_agent,
                    "Accept": accept,
                },
            )
            response = connection.getresponse()
            headers = {name.lower(): value for name, value in response.getheaders()}
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(f"response is {declared} bytes, over the {self.max_bytes}-byte limit")
            body = response.read(self.max_bytes + 1)
            if len(body) > self.max_bytes:
                raise FetchError(f"response is over the {self.max_bytes}-byte limit")
            return response.status, headers, body
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{url}: {exc.__class__.__name__}: {exc}") from exc
        finally:
            connection.close()

    def _connection(self, scheme: str, host: str, port: int, address: str) -> http.client.HTTPConnection:
        if scheme == "https":
            connection = http.client.HTTPSConnection(
                host, port, timeout=self.timeout_s, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(host, port, timeout=self.timeout_s)

        # Connect to the address that was checked, not to whatever DNS answers a moment later.
        # TLS still verifies the certificate against `host` (server_hostname), so HTTPS stays correct.
        def pinned_connect(_address, timeout=None, source_address=None):
            return socket.create_connection((address, port), timeout, source_address)

        connection._create_connection = pinned_connect
        return connection
