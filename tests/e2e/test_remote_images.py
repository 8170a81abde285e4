"""In headless Chromium: a customer's email with remote and same-origin images, opened by an agent
and by the customer in the portal, loads nothing remote and makes no same-origin GET of its own."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

from helpdesk.models import Agent
from helpdesk.selectors.portal import SESSION_KEY
from helpdesk.services.conversation import conversation_receive
from tests.conftest import make_agent, make_customer
from tests.e2e.test_desk_e2e import chromium, pytestmark  # noqa: F401  (skip without Chromium)

EMAIL = (
    '<p>Hello, see the photo:</p><img src="https://evil.example/pixel.png?who=agent" alt="photo">'
    '<img src="http://localhost/desk/?ping=1" alt="ping"><img src="/desk/tickets/?csrf=1" alt="rel">'
    '<p><a href="/desk/logout/">click me</a> <a href="https://docs.example.org/x">docs</a></p>'
)


def _requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.route(
        "**/*", lambda route: route.abort() if "evil.example" in route.request.url else route.continue_()
    )
    return seen


def test_customer_images_load_nothing(live_server, team, monkeypatch):
    agent = make_agent("alice", teams=[team], password="pw-123456", role=Agent.Role.ADMIN)
    customer = make_customer(email="pat@example.com", name="Pat")
    received = conversation_receive(channel="email", sender=customer, subject="Broken frame", body_html=EMAIL)
    ticket = received.ticket
    assert agent and ticket.messages.get().body_html.count("<img") == 3  # stored as sanitised, images kept

    with chromium(monkeypatch) as browser:
        desk = browser.new_page()
        seen = _requests(desk)
        desk.goto(f"{live_server.url}/desk/login/")
        desk.fill("#id_username", "alice")
        desk.fill("#id_password", "pw-123456")
        desk.click("button[type=submit]")
        desk.wait_for_url(f"{live_server.url}/desk/**")
        seen.clear()
        response = desk.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
        desk.wait_for_load_state("load")  # the page keeps polling (live updates): never "networkidle"
        desk.wait_for_timeout(500)
        assert "img-src 'self' data:" in response.headers["content-security-policy"]
        thread = desk.locator("#ticket-thread")
        assert thread.locator("img").count() == 0
        assert thread.locator("a.blocked-image[href^='https://evil.example/']").count() == 1
        assert thread.locator("a[href='/desk/logout/']").count() == 0  # our own URL neutralised
        assert thread.locator("a[href='https://docs.example.org/x']").count() == 1
        assert not [u for u in seen if "evil.example" in u or "ping=1" in u or "csrf=1" in u], seen

        portal = browser.new_page()
        seen = _requests(portal)
        portal.goto(f"{live_server.url}/portal/login/")  # any page, to set cookies on this origin
        session = _portal_session(customer)
        portal.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        portal.goto(f"{live_server.url}/portal/tickets/{ticket.number}/")
        portal.wait_for_load_state("load")
        portal.wait_for_timeout(500)
        assert portal.locator(".msg-body img").count() == 0
        assert not [u for u in seen if "evil.example" in u or "ping=1" in u or "csrf=1" in u], seen


def _portal_session(customer) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = customer.pk
    store.create()
    return store.session_key
