"""HTTP fetching for the website importer, safe against SSRF (the checks live in core.safe_http).

An operator types a URL, but the pages it links to and redirects to are chosen by whoever runs that
website. So, for every request and again for every redirect hop:

- only http and https;
- the host name is resolved and *every* address it resolves to must be public (not private,
  loopback, link-local, multicast, reserved, unspecified, shared or IPv4-mapped versions of those);
- the connection goes to the address that was checked (the socket is pinned to it), so a DNS
  answer that changes between the check and the connect (rebinding) cannot sneak in another host;
- redirects are followed by hand, a few at most, each target checked like the first URL;
- the body is read up to `max_bytes` and the request fails beyond that.

`allow_private_hosts` names hosts (as written in URLs, e.g. "127.0.0.1:8080" or "intranet.local") that
may resolve to non-public addresses, per port (a bare host: its default port only; core/safe_http.py):
the operator vouches for those hosts only. A redirect from an allowed
host to any other private address is still refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from core.safe_http import BlockedAddress, FetchError, SafeHttpClient, address_is_public, system_resolve

USER_AGENT = "HelmdeskImporter/1.0 (+knowledge-base import)"
MAX_REDIRECTS = 5

__all__ = [
    "BlockedAddress",
    "FetchError",
    "FetchResult",
    "SafeFetcher",
    "address_is_public",
    "system_resolve",
]


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


@dataclass
class SafeFetcher(SafeHttpClient):
    user_agent: str = USER_AGENT

    def get(
        self, url: str, *, accept: str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"
    ):
        """GET with manual redirects, every hop checked like the first URL. Returns FetchResult (any status)."""
        redirects: list[str] = []
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            status, headers, body = self.request("GET", current, headers={"Accept": accept})
            location = headers.get("location")
            if status in (301, 302, 303, 307, 308) and location:
                current = urljoin(current, location)
                redirects.append(current)
                continue
            return FetchResult(
                url=current,
                status=status,
                content_type=headers.get("content-type", ""),
                body=body,
                redirects=tuple(redirects),
            )
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")
