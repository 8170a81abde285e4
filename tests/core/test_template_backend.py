"""Rendering frees the template context without the cyclic collector (core/template_backend.py)."""

import pytest
from django.template import Context, TemplateDoesNotExist, engines
from django.test import RequestFactory

from core.template_backend import DjangoTemplates, Template
from tests.gc_garbage import cyclic_garbage, instances


def test_the_configured_backend_is_the_cycle_breaking_one():
    assert isinstance(engines["django"], DjangoTemplates)
    assert isinstance(engines["django"].from_string("x"), Template)


@pytest.mark.django_db
def test_a_render_with_a_request_leaves_no_context_in_a_cycle():
    request = RequestFactory().get("/")
    template = engines["django"].from_string(
        "{% with n=items|length %}{{ n }}{% for i in items %}{{ i }}{% endfor %}{% endwith %}"
    )
    template.render({"items": [1, 2]}, request)  # first render: context processors imported
    with cyclic_garbage() as garbage:
        assert template.render({"items": [1, 2]}, request) == "212"
    assert instances(garbage, Context) == []


def test_a_missing_template_still_names_the_backend():
    with pytest.raises(TemplateDoesNotExist) as raised:
        engines["django"].get_template("no/such/template.html")
    assert raised.value.backend is engines["django"]


def test_test_client_contexts_survive_the_render(client, db):
    """Django's test instrumentation keeps copies of the contexts: they are not emptied."""
    response = client.get("/portal/login/")
    assert response.status_code == 200
    assert response.context is not None and "request" in response.context
