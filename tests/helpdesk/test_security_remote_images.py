"""Remote images in customer HTML: never loaded by the page, shown on request through our proxy
(signed per message, access-checked, raster images only, SSRF-safe)."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.remote_content import html_inert
from helpdesk.services.conversation import conversation_receive
from tests.conftest import make_customer
from tests.helpdesk.test_security_small import png_bytes

pytestmark = pytest.mark.django_db

HOST = "127.0.0.2"  # loopback, but not one of our ALLOWED_HOSTS: a "remote" site for the test


class ImageSite(BaseHTTPRequestHandler):
    hits: list[str] = []
    files = {"/pixel.png": ("image/png", png_bytes()), "/logo.svg": ("image/svg+xml", b"<svg onload='x'/>")}

    def do_GET(self):  # noqa: N802
        ImageSite.hits.append(self.path + " cookie=" + str(self.headers.get("Cookie")))
        content_type, body = self.files.get(self.path, ("text/plain", b"nope"))
        self.send_response(200 if self.path in self.files else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site(settings):
    server = ThreadingHTTPServer((HOST, 0), ImageSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://{HOST}:{server.server_port}"
    settings.HELMDESK_REMOTE_IMAGE_ALLOW_PRIVATE_HOSTS = [f"{HOST}:{server.server_port}"]
    ImageSite.hits = []
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture
def message(site, team):
    html = f'<p>See</p><img src="{site}/pixel.png" alt="photo"><img src="{site}/logo.svg" alt="logo">'
    received = conversation_receive(channel="email", sender=make_customer(), subject="Pic", body_html=html)
    received.ticket.team = team
    received.ticket.save(update_fields=["team"])
    return received.message


def proxy_urls(page: str) -> list[str]:
    return [u.replace("&amp;", "&") for u in re.findall(r'data-proxy-src="([^"]+)"', page)]


def test_page_loads_nothing_and_offers_the_proxy(client_agent, message, site):
    page = client_agent.get(f"/desk/tickets/{message.ticket_id}/").content.decode()
    assert "<img" not in page.split('id="ticket-thread"')[1].split("</section>")[0]
    urls = proxy_urls(page)
    assert len(urls) == 2 and all(u.startswith("/desk/remote-image/?t=") for u in urls)
    assert ImageSite.hits == []  # rendering fetched nothing

    png = client_agent.get(urls[0])
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert ImageSite.hits == ["/pixel.png cookie=None"]  # fetched once, without the agent's cookies
    assert client_agent.get(urls[1]).status_code == 502  # SVG is never proxied


def test_proxy_checks_token_access_and_message(client, client_agent, message, other_agent, site):
    url = proxy_urls(client_agent.get(f"/desk/tickets/{message.ticket_id}/").content.decode())[0]
    assert client_agent.get(url[:-3] + "xyz").status_code == 404  # tampered token
    client.force_login(other_agent.user)
    assert client.get(url).status_code in (403, 404)  # not their team's ticket
    client.logout()
    assert client.get(url).status_code == 302  # signed out: to the login page
    assert ImageSite.hits == []


def test_a_private_address_is_refused_without_an_allowance(client_agent, message, settings):
    settings.HELMDESK_REMOTE_IMAGE_ALLOW_PRIVATE_HOSTS = []
    url = proxy_urls(client_agent.get(f"/desk/tickets/{message.ticket_id}/").content.decode())[0]
    assert client_agent.get(url).status_code == 502
    assert ImageSite.hits == []


def test_html_inert_unit():
    out = html_inert(
        '<img src="https://x.example/a.png" alt="a"><img src="/desk/?x=1"><a href="/desk/logout/">t</a>'
    )
    assert "<img" not in out and 'href="/desk/logout/"' not in out
    assert 'href="https://x.example/a.png"' in out and "data-proxy-src" not in out  # portal: no proxy
