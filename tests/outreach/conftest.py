"""Outreach fixtures: rules built as an admin builds them, a real SMTP server (aiosmtpd), API tokens."""

from __future__ import annotations

import json

import pytest

from helpdesk.services.api_tokens import api_token_create
from outreach.models import OutreachRule
from outreach.services.rules import rule_save
from tests.emailchannel.conftest import smtp_server  # noqa: F401  (a real SMTP server, shared fixture)
from tests.llm_peer import llm_peer  # noqa: F401  (a real OpenAI-compatible peer, shared fixture)

TEMPLATE = "Hi {{ customer.first_name }}, your order {{ data.order_id }} will arrive on {{ data.new_date }}."


def make_rule(**fields) -> OutreachRule:
    values = {
        "name": "Order delayed",
        "event_type": "order.delayed",
        "subject_template": "Order {{ data.order_id }}",
        "body_template": TEMPLATE,
        "respect_quiet_hours": False,
        **fields,
    }
    return rule_save(rule=OutreachRule(**values))


@pytest.fixture
def rule(db):
    return make_rule()


@pytest.fixture
def server_token(db):
    _token, raw = api_token_create(name="shop", kind="server", scopes=["customers:write"])
    return raw


def event_body(*, email="casey@example.com", order="NW-1042", event_id=None, **extra) -> str:
    payload = {
        "type": "order.delayed",
        "customer": {"email": email, "name": "Casey Customer", "external_id": "cus_7"},
        "data": {"order_id": order, "new_date": "9 December"},
        **extra,
    }
    if event_id is not None:
        payload["id"] = event_id
    return json.dumps(payload)


@pytest.fixture
def post_event(client, server_token):
    def post(body: str, *, token: str | None = None, capture=None):
        return client.post(
            "/api/v1/events/",
            data=body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token or server_token}"},
        )

    return post
