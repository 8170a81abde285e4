"""Authorization matrix: every API endpoint x every role."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from helpdesk.models import ApiToken
from helpdesk.services.api_tokens import api_token_create
from helpdesk.services.attachments import attachment_add
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db

ROLES = ["admin", "team_agent", "other_agent", "customer", "anonymous"]


@pytest.fixture
def world(ticket, agent, other_agent, admin_agent, customer):
    attachment = attachment_add(ticket=ticket, message=None, uploaded=("notes.txt", b"hello", "text/plain"))
    portal_user = get_user_model().objects.create_user(username="cust-login", password="pw-123456")
    customer.user = portal_user
    customer.save()
    return {"ticket": ticket, "attachment": attachment, "customer": customer, "portal_user": portal_user}


def client_for(role, world, agent, other_agent, admin_agent):
    client = APIClient()
    tokens = {"admin": admin_agent, "team_agent": agent, "other_agent": other_agent}
    if role in tokens:
        _, raw = api_token_create(name=role, agent=tokens[role])
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    elif role == "customer":
        client.force_login(world["portal_user"])
    return client


def endpoints(world):
    t, a, c = world["ticket"].pk, world["attachment"].pk, world["customer"].pk
    return [
        # (method, url, body, kind) kind: "list" (visible to any agent), "ticket" (team-bound), "global"
        ("get", "/api/v1/tickets/", None, "list"),
        (
            "post",
            "/api/v1/tickets/",
            {"subject": "Hi", "body": "x", "requester_email": "n@example.com"},
            "global",
        ),
        ("get", f"/api/v1/tickets/{t}/", None, "ticket"),
        ("patch", f"/api/v1/tickets/{t}/", {"priority": "high"}, "ticket"),
        ("get", f"/api/v1/tickets/{t}/messages/", None, "ticket"),
        ("post", f"/api/v1/tickets/{t}/messages/", {"body": "Hello", "internal": True}, "ticket"),
        ("get", f"/api/v1/attachments/{a}/", None, "ticket"),
        ("get", "/api/v1/customers/", None, "list"),
        ("get", f"/api/v1/customers/{c}/", None, "ticket"),
        ("patch", f"/api/v1/customers/{c}/", {"organization": "ACME"}, "ticket"),
        ("get", "/api/v1/teams/", None, "list"),
        ("get", "/api/v1/tags/", None, "list"),
    ]


def expected_status(role, method, kind):
    if role == "anonymous":
        return {401}
    if role == "customer":
        return {403}
    if role == "other_agent" and kind == "ticket":
        return {404}
    return {201} if method == "post" else {200}


@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, world, agent, other_agent, admin_agent):
    client = client_for(role, world, agent, other_agent, admin_agent)
    for method, url, body, kind in endpoints(world):
        response = getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
        assert response.status_code in expected_status(role, method, kind), (
            role,
            method,
            url,
            response.content[:200],
        )
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}, "one error shape"
            assert {"code", "message", "details"} <= set(response.json()["error"])


def test_other_team_ticket_absent_from_list(world, other_agent):
    _, raw = api_token_create(name="t", agent=other_agent)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    ids = [row["id"] for row in client.get("/api/v1/tickets/").json()["results"]]
    assert world["ticket"].pk not in ids


def test_merge_needs_both_tickets_visible(world, agent, other_agent, other_team, customer):
    from helpdesk.services.tickets import ticket_create

    foreign = ticket_create(requester=customer, subject="other", body_text="x", team=other_team)
    _, raw = api_token_create(name="t", agent=agent)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post(
        f"/api/v1/tickets/{world['ticket'].pk}/merge/", {"into": foreign.pk}, format="json"
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.message_count == 1


def test_server_token_scopes(world):
    _, raw = api_token_create(name="crm", kind=ApiToken.Kind.SERVER, scopes=["tickets:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(f"/api/v1/tickets/{world['ticket'].pk}/").status_code == 200
    denied = client.patch(f"/api/v1/tickets/{world['ticket'].pk}/", {"priority": "low"}, format="json")
    assert denied.status_code == 403
    assert "tickets:write" in denied.json()["error"]["message"]
    assert client.get("/api/v1/customers/").status_code == 403


def test_revoked_token_refused(world, agent):
    from helpdesk.services.api_tokens import api_token_revoke

    token, raw = api_token_create(name="t", agent=agent)
    api_token_revoke(token=token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/tickets/").status_code == 401


def test_token_stored_hashed(agent):
    token, raw = api_token_create(name="t", agent=agent)
    assert raw not in (token.key_hash, token.prefix)
    assert ApiToken.objects.filter(key_hash__contains=raw).count() == 0


def test_customer_via_new_customer_cannot_see_tickets(world):
    stranger = make_customer("stranger@example.com")
    user = get_user_model().objects.create_user(username="stranger", password="pw-123456")
    stranger.user = user
    stranger.save()
    client = APIClient()
    client.force_login(user)
    assert client.get("/api/v1/tickets/").status_code == 403


def test_server_token_writes_are_audited_as_the_token(world, team):
    from helpdesk.models import TicketEvent

    _, raw = api_token_create(name="crm", kind=ApiToken.Kind.SERVER, scopes=["tickets:read", "tickets:write"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    created = client.post(
        "/api/v1/tickets/",
        {
            "subject": "From CRM",
            "body": "x",
            "requester_email": "n@example.com",
            "team": team.pk,
            "tags": ["crm"],
        },
        format="json",
    )
    assert created.status_code == 201
    ticket_id = created.json()["id"]
    assert (
        client.patch(f"/api/v1/tickets/{ticket_id}/", {"subject": "Renamed"}, format="json").status_code
        == 200
    )
    labels = dict(TicketEvent.objects.filter(ticket_id=ticket_id).values_list("field", "actor_label"))
    assert labels["created"] == labels["tags"] == labels["subject"] == "server:crm"
