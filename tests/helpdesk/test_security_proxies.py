"""Per-IP limits behind reverse proxies: the client is the right-most untrusted hop, never the
leftmost X-Forwarded-For value the client wrote itself."""

import ipaddress
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.core.cache import cache

from config.asgi import application
from core.client_ip import TrustedProxyMiddleware, client_ip_resolve, trusted_proxies_parse
from helpdesk.services import portal as portal_services

NGINX = "127.0.0.1"
nets = trusted_proxies_parse


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def test_nobody_trusted_by_default_ignores_the_header():
    assert client_ip_resolve(peer="203.0.113.5", forwarded_for="6.6.6.6", trusted=nets("")) == "203.0.113.5"


def test_proxy_count_takes_the_hop_the_nearest_proxy_appended():
    # nginx ($proxy_add_x_forwarded_for) appends the address it saw after the client's own value.
    spoofed = "6.6.6.6, 198.51.100.7"
    assert client_ip_resolve(peer=NGINX, forwarded_for=spoofed, trusted=nets("1")) == "198.51.100.7"
    # two proxies (a load balancer, then nginx)
    two = "6.6.6.6, 198.51.100.7, 10.0.0.2"
    assert client_ip_resolve(peer=NGINX, forwarded_for=two, trusted=nets("2")) == "198.51.100.7"


def test_proxy_networks_skip_trusted_hops_from_the_right():
    trusted = nets("127.0.0.1, 10.0.0.0/8")
    hops = "6.6.6.6, 198.51.100.7, 10.1.2.3"
    assert client_ip_resolve(peer=NGINX, forwarded_for=hops, trusted=trusted) == "198.51.100.7"
    # an untrusted peer is the client whatever it claims
    assert client_ip_resolve(peer="203.0.113.9", forwarded_for=hops, trusted=trusted) == "203.0.113.9"
    # garbage in the chain is never taken as the client
    assert client_ip_resolve(peer=NGINX, forwarded_for="6.6.6.6, not-an-ip", trusted=trusted) == NGINX
    assert trusted_proxies_parse("::1") == (ipaddress.ip_network("::1"),)


def test_middleware_rewrites_http_and_websocket_scopes(settings):
    settings.HELMDESK_TRUSTED_PROXIES = "1"
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope["client"])

    headers = [(b"x-forwarded-for", b"6.6.6.6, 198.51.100.7")]
    for kind in ("http", "websocket"):
        scope = {"type": kind, "client": (NGINX, 4000), "headers": headers}
        async_to_sync(TrustedProxyMiddleware(inner))(scope, None, None)
    assert seen == [("198.51.100.7", 0), ("198.51.100.7", 0)]
    assert isinstance(application, TrustedProxyMiddleware)  # the real ASGI app is wrapped


async def _magic_link_request(forwarded_for: str, csrf: str) -> str:
    email = f"someone-{forwarded_for.replace(', ', '-')}@example.com"  # per-address limits stay out of it
    body = urlencode({"email": email, "csrfmiddlewaretoken": csrf}).encode()
    headers = [
        (b"host", b"testserver"),
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"cookie", f"csrftoken={csrf}".encode()),
        (b"x-forwarded-for", forwarded_for.encode()),
    ]
    communicator = HttpCommunicator(application, "POST", "/portal/login/", body=body, headers=headers)
    communicator.scope["client"] = (NGINX, 50000)
    response = await communicator.get_response(timeout=10)
    assert response["status"] == 200
    return response["body"].decode()


async def _csrf_token() -> str:
    communicator = HttpCommunicator(application, "GET", "/portal/login/", headers=[(b"host", b"testserver")])
    response = await communicator.get_response(timeout=10)
    cookies = SimpleCookie()
    for name, value in response["headers"]:
        if name.lower() == b"set-cookie":
            cookies.load(value.decode())
    token = cookies["csrftoken"].value
    assert re.search(r'name="csrfmiddlewaretoken"', response["body"].decode())
    return token


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("trusted", ["1", "127.0.0.0/8"])
def test_spoofed_forwarded_for_does_not_escape_the_per_ip_limit(settings, monkeypatch, trusted):
    """Through the real ASGI stack: N magic-link requests per IP and hour, then a clear refusal."""
    settings.HELMDESK_TRUSTED_PROXIES = trusted
    monkeypatch.setitem(portal_services.LIMITS, "magic_ip", (3, 3600))  # a few requests are enough

    async def scenario():
        csrf = await _csrf_token()
        for attempt in range(3):
            assert "Too many attempts" not in await _magic_link_request(
                f"6.6.6.{attempt}, 198.51.100.7", csrf
            )
        assert "Too many attempts" in await _magic_link_request("6.6.6.99, 198.51.100.7", csrf)
        # another real client (as seen by nginx) has its own allowance
        assert "Too many attempts" not in await _magic_link_request("6.6.6.6, 198.51.100.8", csrf)

    async_to_sync(scenario)()
