"""The admin: every outreach page opens; rules are checked; an incident is declared through the service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outreach.models import Incident, OutreachAudit, OutreachRule, Suppression

pytestmark = pytest.mark.django_db
MODELS = ("outreachrule", "outreachbatch", "outreachmessage", "outreachevent", "outreachaudit", "suppression",
          "incident")  # fmt: skip


@pytest.mark.parametrize("model", MODELS)
def test_every_outreach_admin_list_opens(client_admin, model):
    assert client_admin.get(reverse(f"admin:outreach_{model}_changelist")).status_code == 200


def _rule_form(**changes):
    form = {
        "name": "Delay",
        "is_active": "on",
        "trigger": "event",
        "event_type": "order.delayed",
        "audience": "event_customer",
        "channel": "email",
        "subject_template": "",
        "body_template": "Hi {{ customer.name }}",
        "requires_approval": "on",
        "max_per_customer_per_day": "1",
        "respect_quiet_hours": "on",
    }
    return {**form, **changes}


def test_a_rule_is_saved_through_the_service_and_audited(client_admin, admin_agent):
    response = client_admin.post(reverse("admin:outreach_outreachrule_add"), _rule_form())
    assert response.status_code == 302
    assert OutreachRule.objects.get().requires_approval
    assert OutreachAudit.objects.get(action="rule_created").actor == admin_agent.user


def test_a_rule_with_a_forbidden_tag_is_refused_in_the_form(client_admin):
    response = client_admin.post(
        reverse("admin:outreach_outreachrule_add"), _rule_form(body_template="{% debug %}")
    )
    assert response.status_code == 200 and b"not allowed" in response.content
    assert not OutreachRule.objects.exists()


def test_an_incident_declared_in_the_admin_is_embedded_and_audited(client_admin):
    response = client_admin.post(
        reverse("admin:outreach_incident_add"),
        {
            "title": "Payment outage",
            "customer_note": "Card payments fail; we are on it.",
            "description": "Card payments are declined at checkout",
            "keywords": "payment failed",
            "similarity_threshold": "0.45",
            "follow_up_note": "",
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.vector and incident.status == Incident.Status.OPEN
    assert OutreachAudit.objects.filter(action="incident_declared", incident=incident).exists()


def test_an_address_added_to_the_suppression_list_is_audited(client_admin):
    client_admin.post(
        reverse("admin:outreach_suppression_add"), {"email": "x@example.com", "reason": "manual"}
    )
    assert Suppression.objects.get().email == "x@example.com"
    assert OutreachAudit.objects.filter(action="suppressed").exists()
