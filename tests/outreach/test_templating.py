"""Message templates: Django's engine, sandboxed (allowed tags and filters only, plain data only)."""

from __future__ import annotations

import pytest

from core.errors import ApplicationError
from outreach.models import OutreachRule
from outreach.services.rules import rule_save
from outreach.services.templating import template_check, template_render
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db


def test_placeholders_conditions_and_loops_render():
    customer = make_customer(name="Casey Customer")
    text = template_render(
        "Hi {{ customer.first_name }}! {% if data.items %}Items: {{ data.items|join:', ' }}.{% endif %} "
        "{{ data.missing|default:'soon' }} {% for s in data.steps %}[{{ s.name|upper }}]{% endfor %}",
        customer=customer,
        data={"items": ["pads", "chain"], "steps": [{"name": "a"}, {"name": "b"}]},
    )
    assert text == "Hi Casey! Items: pads, chain. soon [A][B]"


def test_text_is_not_html_escaped_and_data_is_only_data():
    customer = make_customer(name="O'Brien & Sons")
    assert template_render("{{ customer.name }}", customer=customer) == "O'Brien & Sons"
    assert template_render("{{ customer.pk }}{{ customer.user }}", customer=customer) == ""  # no model object


@pytest.mark.parametrize(
    "source",
    [
        "{% debug %}",
        "{% load static %}{% static 'x' %}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% url 'desk:inbox' %}",
        "{% csrf_token %}",
        "{{ data|pprint }}",
        "{{ customer.name|safe }}",
        "{% if x|force_escape %}{% endif %}",
        "{{ data.__class__ }}",
        "{% if %}",
    ],
)
def test_anything_outside_the_sandbox_is_refused(source):
    with pytest.raises(ApplicationError):
        template_check(source)


def test_a_rule_with_a_forbidden_template_cannot_be_saved():
    with pytest.raises(ApplicationError, match="debug"):
        rule_save(rule=OutreachRule(name="x", event_type="order.delayed", body_template="{% debug %}"))
    assert not OutreachRule.objects.exists()
