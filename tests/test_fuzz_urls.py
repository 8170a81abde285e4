"""Every URL pattern x bad values (NUL, control characters, over-long, wrong types, huge numbers,
dates out of range), as anonymous, agent and portal customer, GET and POST: never a 5xx.

The patterns come from the resolver, so a new view is fuzzed the day it lands. Field names come from
a list of the names the project uses plus every field of the forms the page itself renders.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from helpdesk.selectors.portal import SESSION_KEY
from helpdesk.services.attachments import attachment_add
from helpdesk.services.messages import note_add
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db

BAD_VALUES = {
    "nul": "a\x00b",
    "control": "x\x01\x08\x1b\x7fy",
    "overlong": "x" * 5000,
    "huge": "9" * 40,
    "negative": "-1",
    "float": "1e309",
    "date_low": "0001-01-01",
    "date_high": "9999-12-31",
    "wrong_type": "[]{}<>",
    "unicode": "\uffff\u202e\U0001f600",
}
FIELDS = [
    "q", "page", "page_size", "limit", "offset", "cursor", "from", "to", "days", "team", "assignee",
    "status", "priority", "tag", "tags", "view", "sort", "order", "format", "region", "topic", "email",
    "name", "subject", "body", "body_format", "password", "username", "token", "next", "language",
    "channel", "requester", "into", "target_number", "rating", "comment", "title", "body_md", "summary",
    "ticket_ids", "then_status", "internal", "kind", "macro", "helpful", "stamp", "website", "since",
]  # fmt: skip
INT_ARGS = ["1", "0", str(2**63), "9" * 30]
STR_ARGS = ["x", "a\x00b", "y" * 300, "..%2F..%2Fetc"]
# The admin: its login and every change list (search, filters, ordering). Its add pages take initial
# values from the query string without validating them (Django's own behaviour, staff only): skipped.
SKIP_ADMIN = re.compile(r"^admin/(?!login/|[\w]+/[\w]+/$)")


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route.lstrip("^").rstrip("$")


ROUTES = sorted({r for r in _patterns() if not SKIP_ADMIN.match(r) and "(?P<" not in r and "\\" not in r})
ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _urls(route: str) -> list[str]:
    """The route with each argument filled by a real-looking value, then by each bad one."""
    converters = [m.group(1) or "str" for m in ARG.finditer(route)]
    if not converters:
        return ["/" + route]
    urls = []
    for i in range(max(len(INT_ARGS), len(STR_ARGS))):
        values = [
            INT_ARGS[i % len(INT_ARGS)] if c == "int" else STR_ARGS[i % len(STR_ARGS)] for c in converters
        ]
        filled = iter(values)
        urls.append("/" + ARG.sub(lambda _m, filled=filled: next(filled), route))
    return urls


class _FormFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in ("input", "textarea", "select") and name:
            self.names.add(name)


def _form_fields(response) -> set[str]:
    if "html" not in response.get("Content-Type", ""):
        return set()
    parser = _FormFields()
    parser.feed(response.content.decode(errors="replace"))
    return parser.names - {"csrfmiddlewaretoken"}


@pytest.fixture
def clients(ticket, admin_agent, customer):
    note_add(ticket=ticket, author_kind="agent", author_agent=admin_agent, body_text="internal")
    attachment_add(ticket=ticket, message=None, uploaded=("a.txt", b"hello", "text/plain"))
    make_customer(email="other@example.com", name="Other")
    anonymous = Client(raise_request_exception=False)
    agent = Client(raise_request_exception=False)
    agent.force_login(admin_agent.user)
    portal = Client(raise_request_exception=False)
    session = portal.session
    session[SESSION_KEY] = customer.pk
    session.save()
    return {"anonymous": anonymous, "agent": agent, "customer": portal}


def _check(response, what: str, failures: list[str]) -> None:
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {what}")


@pytest.mark.parametrize("route", ROUTES)
def test_no_server_error(route, clients, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    failures: list[str] = []
    for url in _urls(route):
        fields = set(FIELDS)
        for role, client in clients.items():
            cache.clear()  # rate limits would answer 429 before the view runs
            first = client.get(url)
            _check(first, f"GET {url!r} as {role}", failures)
            fields |= _form_fields(first)
        for role, client in clients.items():
            for label, value in BAD_VALUES.items():
                cache.clear()
                data = dict.fromkeys(sorted(fields), value)
                _check(client.get(url, data), f"GET {url!r} ?{label} as {role}", failures)
                _check(client.post(url, data), f"POST {url!r} {label} as {role}", failures)
                if url.startswith("/api/"):
                    body = json.dumps(data)
                    response = client.post(url, body, content_type="application/json")
                    _check(response, f"POST json {url!r} {label} as {role}", failures)
    assert not failures, "\n".join(failures[:20])
