"""Macros in the reply box (no second signature, "Then" never switched silently) and the agent's
settings page (display name prefilled, a readable time-zone list, a copyable API token)."""

import pytest
from django.urls import reverse

from helpdesk.models import Macro

pytestmark = pytest.mark.django_db


def _reply_box(client, ticket, **params):
    return client.get(
        reverse("desk:ticket", args=[ticket.pk]), {"region": "reply", **params}, HTTP_HX_REQUEST="true"
    ).content.decode()


def test_a_macro_that_signs_off_gets_no_second_signature(client_agent, agent, ticket):
    agent.display_name = "Alice Martin"
    agent.signature = "Alice Martin\nNorthwind Bikes Support"
    agent.save()
    macro = Macro.objects.create(name="Thanks", body="Thanks for waiting!\n\nBest regards,\n{{ agent.name }}")
    html = _reply_box(client_agent, ticket, macro=macro.pk)
    assert "Best regards,\nAlice Martin" in html
    client_agent.post(
        reverse("desk:ticket_reply", args=[ticket.pk]),
        {"kind": "reply", "body": "Thanks for waiting!\n\nBest regards,\nAlice Martin"},
    )
    body = ticket.messages.latest("seq").body_text
    assert body.count("Alice Martin") == 1 and "Northwind Bikes Support" not in body


def test_a_plain_reply_still_gets_the_signature(client_agent, agent, ticket):
    agent.signature = "Alice, Support"
    agent.save()
    client_agent.post(reverse("desk:ticket_reply", args=[ticket.pk]), {"kind": "reply", "body": "Done."})
    assert ticket.messages.latest("seq").body_text == "Done.\n\nAlice, Support"


def test_a_macro_keeps_the_agents_then_choice(client_agent, ticket):
    macro = Macro.objects.create(name="Wait", body="We are checking.", set_status="pending")
    html = _reply_box(client_agent, ticket, macro=macro.pk, then_status="solved")
    assert '<option value="solved" selected>' in html
    assert '<option value="pending" selected>' not in html
    assert "then-note" not in html


def test_a_macro_status_is_announced_when_it_sets_then(client_agent, ticket):
    macro = Macro.objects.create(name="Wait", body="We are checking.", set_status="pending")
    html = _reply_box(client_agent, ticket, macro=macro.pk)
    assert '<option value="pending" selected>' in html
    assert "then-note" in html and "Wait" in html


def test_settings_prefill_the_display_name_the_desk_shows(client_agent, agent):
    agent.display_name = ""
    agent.save()
    html = client_agent.get(reverse("desk:settings")).content.decode()
    assert 'name="display_name" value="Alice"' in html  # the user's first name, as the top bar shows


def test_time_zone_list_has_area_city_names_only(client_agent):
    html = client_agent.get(reverse("desk:settings")).content.decode()
    assert 'value="Europe/Berlin"' in html and 'value="UTC"' in html
    for alias in ("localtime", "ROC", "W-SU", "US/Eastern", "Etc/GMT+3"):
        assert f'value="{alias}"' not in html


def test_new_api_token_has_a_copy_button(client_agent):
    client_agent.post(reverse("desk:api_token_create"), {"name": "CRM"})
    html = client_agent.get(reverse("desk:settings")).content.decode()
    assert 'data-copy="#new-api-token"' in html and 'id="new-api-token"' in html
