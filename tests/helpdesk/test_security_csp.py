"""A strict Content-Security-Policy on every page type; attachment downloads keep their sandbox;
the chat widget script stays embeddable on other sites."""

import pytest
from django.core.cache import cache
from django.test import Client

from helpdesk.selectors.portal import SESSION_KEY
from helpdesk.services.attachments import attachment_add

pytestmark = pytest.mark.django_db

PAGES = {
    "agent": ["/desk/", "/desk/tickets/{ticket}/", "/desk/reports/", "/desk/settings/", "/desk/kb/",
              "/admin/", "/api/docs/"],
    "customer": ["/portal/tickets/", "/portal/tickets/{number}/"],
    "anonymous": ["/desk/login/", "/admin/login/", "/portal/", "/portal/login/", "/help/", "/help/search/?q=x"],
}  # fmt: skip


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.fixture
def clients(admin_agent, customer):
    cache.clear()
    agent, portal = Client(), Client()
    agent.force_login(admin_agent.user)
    session = portal.session
    session[SESSION_KEY] = customer.pk
    session.save()
    return {"agent": agent, "customer": portal, "anonymous": Client()}


@pytest.mark.parametrize(("role", "path"), [(role, path) for role, paths in PAGES.items() for path in paths])
def test_every_page_type_has_a_strict_policy(clients, ticket, role, path):
    response = clients[role].get(path.format(ticket=ticket.pk, number=ticket.number))
    assert response.status_code == 200, path
    policy = directives(response["Content-Security-Policy"])
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive] and "'unsafe-eval'" not in policy[directive]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    body = response.content.decode()
    assert "<script>" not in body and " onchange=" not in body and " onclick=" not in body
    assert 'style="' not in body or path.startswith(("/admin/", "/api/"))  # Django's own pages


def test_attachment_downloads_keep_their_sandbox(clients, ticket):
    attachment = attachment_add(ticket=ticket, message=None, uploaded=("a.txt", b"hello", "text/plain"))
    response = clients["agent"].get(f"/desk/attachments/{attachment.pk}/")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_chat_widget_script_stays_embeddable(clients):
    response = clients["anonymous"].get("/chat/widget.js")
    assert response.status_code == 200
    assert (
        "Cross-Origin-Resource-Policy" not in response
        or response["Cross-Origin-Resource-Policy"] == "cross-origin"
    )
