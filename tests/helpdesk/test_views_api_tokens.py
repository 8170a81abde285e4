import pytest
from rest_framework.test import APIClient

from helpdesk.models import ApiToken
from helpdesk.services.api_tokens import api_token_create

pytestmark = pytest.mark.django_db


def test_create_shows_key_once_and_it_works(client_agent, agent):
    response = client_agent.post("/desk/settings/api-tokens/", {"name": "CRM sync"}, follow=True)
    html = response.content.decode()
    token = ApiToken.objects.get(agent=agent)
    start = html.index('class="token-once">') + len('class="token-once">')
    raw = html[start : html.index("<", start)]
    assert raw.startswith("hd_") and raw.startswith(token.prefix)
    assert raw not in client_agent.get("/desk/settings/").content.decode(), "shown once"
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/tickets/").status_code == 200


def test_revoke_only_own(client_agent, agent, other_agent):
    mine, _ = api_token_create(name="mine", agent=agent)
    theirs, _ = api_token_create(name="theirs", agent=other_agent)
    assert client_agent.post(f"/desk/settings/api-tokens/{theirs.pk}/revoke/").status_code == 404
    assert client_agent.post(f"/desk/settings/api-tokens/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
