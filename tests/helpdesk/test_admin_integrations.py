import pytest

from helpdesk.models import ApiToken, Webhook

pytestmark = pytest.mark.django_db

PAGES = [
    "slapolicy",
    "ticketsla",
    "csatsurvey",
    "apitoken",
    "webhook",
    "webhookdelivery",
    "magiclink",
    "deflection",
]


@pytest.mark.parametrize("model", PAGES)
def test_changelists_render(client_admin, model):
    assert client_admin.get(f"/admin/helpdesk/{model}/").status_code == 200


def test_token_created_in_admin_shows_key_once(client_admin, agent):
    response = client_admin.post(
        "/admin/helpdesk/apitoken/add/", {"name": "zapier", "kind": "agent", "agent": agent.pk}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="zapier")
    shown = [str(m) for m in response.context["messages"]]
    assert any("hd_" in m for m in shown)
    assert all(token.key_hash not in m for m in shown)


def test_webhook_admin_add(client_admin):
    response = client_admin.post(
        "/admin/helpdesk/webhook/add/",
        {"name": "crm", "url": "https://crm.example.com/hook", "secret": "x" * 20, "events": ["ticket.created"],
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Webhook.objects.get().events == ["ticket.created"]
