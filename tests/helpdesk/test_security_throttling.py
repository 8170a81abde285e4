"""Brute-force protection: desk, portal and admin logins (django-axes, per account and per address)
and failed API authentication (per address)."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate, get_user_model
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from helpdesk.services.api_tokens import api_token_create

pytestmark = pytest.mark.django_db

LOGINS = {
    "desk": ("/desk/login/", lambda user, pw: {"username": user.username, "password": pw}),
    "admin": ("/admin/login/", lambda user, pw: {"username": user.username, "password": pw}),
    "portal": (
        "/portal/login/",
        lambda user, pw: {"mode": "password", "email": user.username, "password": pw},
    ),
}


@pytest.fixture(autouse=True)
def _limits(settings):
    cache.clear()
    settings.AXES_FAILURE_LIMIT = 3


@pytest.fixture
def portal_user(customer):
    user = get_user_model().objects.create_user(username=customer.email, password="right-pw-123")
    customer.user = user
    customer.save()
    return user


@pytest.fixture
def users(agent, admin_agent, portal_user):
    agent.user.set_password("right-pw-123")
    agent.user.save()
    admin_agent.user.set_password("right-pw-123")
    admin_agent.user.save()
    return {"desk": agent.user, "admin": admin_agent.user, "portal": portal_user}


@pytest.mark.parametrize("where", LOGINS)
def test_wrong_passwords_lock_the_account_even_with_the_right_one(client, users, where):
    url, form = LOGINS[where]
    user = users[where]
    statuses = [client.post(url, form(user, "wrong")).status_code for _attempt in range(3)]
    assert statuses == [200, 200, 429]  # the failure that reaches the limit is refused already
    locked = client.post(url, form(user, "right-pw-123"))
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert AccessAttempt.objects.filter(username=user.username).exists()  # listed in the admin


def test_the_lock_is_per_address_too(client, users):
    """Guessing across many accounts from one address is stopped as well."""
    url, form = LOGINS["desk"]
    for n in range(3):
        client.post(url, {"username": f"nobody-{n}", "password": "x"}, REMOTE_ADDR="203.0.113.50")
    blocked = client.post(url, form(users["desk"], "right-pw-123"), REMOTE_ADDR="203.0.113.50")
    assert blocked.status_code == 429
    elsewhere = client.post(url, form(users["desk"], "right-pw-123"), REMOTE_ADDR="203.0.113.51")
    assert elsewhere.status_code == 302  # signed in from another address


def test_success_before_the_limit_resets_the_count(client, users):
    url, form = LOGINS["desk"]
    for _attempt in range(2):
        client.post(url, form(users["desk"], "wrong"))
    assert client.post(url, form(users["desk"], "right-pw-123")).status_code == 302
    client.logout()
    for _attempt in range(2):
        client.post(url, form(users["desk"], "wrong"))
    assert client.post(url, form(users["desk"], "right-pw-123")).status_code == 302


def test_authenticate_without_a_request_still_works_for_scripts(users):
    assert authenticate(username=users["desk"].username, password="right-pw-123") == users["desk"]


def test_admin_lists_lockouts(users):
    url, form = LOGINS["desk"]
    admin = Client()
    admin.force_login(users["admin"])  # after the fixture set the passwords
    attacker = Client()
    for _attempt in range(3):
        attacker.post(url, form(users["desk"], "wrong"))
    page = admin.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and users["desk"].username in page.content.decode()


def test_failed_api_tokens_are_throttled_per_address(settings, agent):
    settings.HELMDESK_API_AUTH_FAILURE_LIMIT = 3
    _, good = api_token_create(name="ok", agent=agent)
    attacker, other = APIClient(REMOTE_ADDR="203.0.113.60"), APIClient(REMOTE_ADDR="203.0.113.61")
    attacker.credentials(HTTP_AUTHORIZATION="Bearer hd_guess")
    for _attempt in range(3):
        assert attacker.get("/api/v1/tickets/").status_code == 401
    attacker.credentials(HTTP_AUTHORIZATION=f"Bearer {good}")
    refused = attacker.get("/api/v1/tickets/")
    assert refused.status_code == 429 and "failed authentication" in refused.json()["error"]["message"]
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {good}")
    assert other.get("/api/v1/tickets/").status_code == 200


@pytest.mark.parametrize("where", LOGINS)
def test_an_overlong_user_name_is_a_failed_login_not_a_server_error(client, users, where):
    url, _form = LOGINS[where]
    field = "email" if where == "portal" else "username"
    data = {field: "x" * 5000, "password": "x", **({"mode": "password"} if where == "portal" else {})}
    assert client.post(url, data).status_code == 200
    assert AccessAttempt.objects.get().username == "x" * 150
