"""Shared fixtures. Data is built through the real services, as the product builds it."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model

from helpdesk.models import Agent, Customer, Team, TeamMembership
from tests.fixtures.database import end_other_sessions


def pytest_configure(config):
    """A clean clone has no .mo files (`make install` builds them): compile stale catalogs, so plain
    `pytest` sees the translations too. A no-op when they are current. Under pytest-xdist only the
    controller compiles (it configures before it starts the workers), so no two processes write a file."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from core.catalogs import compile_catalogs

    compile_catalogs()


@pytest.fixture(scope="session", autouse=True)
def _no_session_outlives_the_test_database(django_db_setup, django_db_blocker):
    """A server a test started may still hold a connection when the run ends; end it, so the test
    database is dropped rather than left behind on the embedded server."""
    yield
    with django_db_blocker.unblock():
        end_other_sessions()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_llm_from_the_environment(settings):
    """A developer's shell may have OPENAI_API_KEY set; tests are extractive unless they use llm_peer."""
    settings.OPENAI_API_KEY = ""


@pytest.fixture(autouse=True)
def _no_ai_inbound_by_default(settings):
    """Customer messages in other apps' tests must not grow AI replies; tests/ai turn it back on."""
    settings.HELMDESK_AI_INBOUND = False


def make_agent(
    username: str, *, teams=(), role: str = Agent.Role.AGENT, password: str = "pw-123456"
) -> Agent:
    user = get_user_model().objects.create_user(
        username=username, password=password, email=f"{username}@example.com", first_name=username.title()
    )
    agent = Agent.objects.create(user=user, role=role)
    for team in teams:
        TeamMembership.objects.create(team=team, agent=agent)
    return agent


def make_customer(email: str = "cust@example.com", name: str = "Casey Customer", **extra) -> Customer:
    return Customer.objects.create(email=email, name=name, **extra)


@pytest.fixture
def team(db):
    return Team.objects.create(name="Support", slug="support", description="General product questions")


@pytest.fixture
def other_team(db):
    return Team.objects.create(name="Billing", slug="billing", description="Invoices, refunds, payments")


@pytest.fixture
def agent(team):
    return make_agent("alice", teams=[team])


@pytest.fixture
def other_agent(other_team):
    return make_agent("bob", teams=[other_team])


@pytest.fixture
def admin_agent(db):
    agent = make_agent("root-admin", role=Agent.Role.ADMIN)
    agent.user.is_staff = True
    agent.user.is_superuser = True
    agent.user.save()
    return agent


@pytest.fixture
def customer(db):
    return make_customer()


@pytest.fixture
def ticket(customer, team):
    from helpdesk.services.tickets import ticket_create

    return ticket_create(
        requester=customer, subject="Cannot log in", body_text="I cannot log in since yesterday.", team=team
    )


@pytest.fixture
def client_agent(client, agent):
    client.force_login(agent.user)
    return client


@pytest.fixture
def client_admin(client, admin_agent):
    client.force_login(admin_agent.user)
    return client
