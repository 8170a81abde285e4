"""Property-based run of the whole REST API against its own OpenAPI schema: no 500s, ever."""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from helpdesk.services.api_tokens import api_token_create
from helpdesk.services.tickets import ticket_create

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture
def api_headers(transactional_db, admin_agent, customer, team):
    ticket_create(requester=customer, subject="Seed ticket", body_text="seed", team=team)
    _, raw = api_token_create(name="schemathesis", agent=admin_agent)
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_never_500(case, live_server, api_headers, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    case.call_and_validate(
        base_url=live_server.url, headers=api_headers, checks=[not_a_server_error], timeout=30
    )
