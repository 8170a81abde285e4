"""core.views: the one `agent_required` and the one htmx-or-redirect response every app uses."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from core import views as core_views
from core.views import agent_required, htmx_or_redirect, register_agent_lookup
from helpdesk.selectors.access import agent_for

pytestmark = pytest.mark.django_db


@agent_required
def _desk_page(request):
    return HttpResponse(f"hello {request.agent.pk}")


def _request(user, *, htmx: bool = False):
    request = RequestFactory().get("/desk/somewhere/?x=1")
    request.user = user
    request.htmx = htmx
    return request


def test_helpdesk_registers_its_agent_lookup_at_startup():
    assert core_views._agent_lookup is agent_for


def test_an_agent_gets_the_page_with_request_agent_set(agent):
    response = _desk_page(_request(agent.user))
    assert response.status_code == 200 and response.content.decode() == f"hello {agent.pk}"


def test_anonymous_visitors_are_sent_to_the_login_page():
    response = _desk_page(_request(AnonymousUser()))
    assert response.status_code == 302
    assert "next=/desk/somewhere/%3Fx%3D1" in response["Location"]


def test_a_signed_in_user_who_is_not_an_agent_gets_403(db):
    user = get_user_model().objects.create_user(username="visitor", password="pw-123456")
    with pytest.raises(PermissionDenied):
        _desk_page(_request(user))


def test_without_a_registered_lookup_no_one_is_an_agent(agent):
    """Fail closed: core cannot tell who is an agent until the ticketing app says how."""
    registered = core_views._agent_lookup
    core_views._agent_lookup = None
    try:
        with pytest.raises(PermissionDenied):
            _desk_page(_request(agent.user))
    finally:
        register_agent_lookup(registered)


def test_htmx_or_redirect_answers_htmx_with_hx_redirect_and_others_with_302():
    htmx = htmx_or_redirect(_request(AnonymousUser(), htmx=True), "desk:inbox")
    assert htmx.status_code == 200 and htmx["HX-Redirect"] == "/desk/"
    plain = htmx_or_redirect(_request(AnonymousUser()), "/desk/tickets/1/")
    assert plain.status_code == 302 and plain["Location"] == "/desk/tickets/1/"
