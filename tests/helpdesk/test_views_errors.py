"""Branded error pages, the favicon and the admin's branding."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from helpdesk.models import DeskSettings
from helpdesk.views.errors import server_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(db):
    row = DeskSettings.load()
    row.company_name = "Northwind Bikes"
    row.save()
    return row


def test_desk_404_is_branded_and_links_to_the_inbox(client_agent, company):
    response = client_agent.get("/desk/tickets/99999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Northwind Bikes" in html and 'href="/desk/"' in html
    assert "Not Found" not in html  # not Django's bare page


def test_help_center_404_links_to_the_help_center_and_to_support(client, company):
    response = client.get("/help/no-such-article-here/x/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Northwind Bikes" in html
    assert f'href="{reverse("help:home")}"' in html and f'href="{reverse("portal:submit")}"' in html


def test_desk_403_says_why_and_links_home(client, other_agent, ticket, company):
    client.force_login(other_agent.user)
    response = client.get(reverse("desk:ticket", args=[ticket.pk]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "belongs to a team you are not in" in html
    assert "Northwind Bikes" in html and 'href="/desk/"' in html


def test_500_page_renders_with_the_company_name(company):
    response = server_error(RequestFactory().get("/help/"))
    assert response.status_code == 500
    assert "Northwind Bikes" in response.content.decode()


def test_favicon_is_linked_and_served(client, company):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert 'rel="icon"' in client.get(reverse("help:home")).content.decode()


def test_admin_carries_the_company_name(client_admin, company):
    html = client_admin.get(reverse("admin:index")).content.decode()
    assert "Northwind Bikes administration" in html
    assert "Django administration" not in html and "Django site admin" not in html


def test_one_api_token_model_in_the_admin(client_admin):
    from rest_framework.authtoken.models import TokenProxy

    from helpdesk.models import ApiToken

    assert not admin.site.is_registered(TokenProxy)
    assert admin.site.is_registered(ApiToken)


def test_singleton_settings_open_on_the_edit_form(client_admin):
    from ai.models import AISettings, TriageSettings

    for model in (DeskSettings, AISettings, TriageSettings):
        opts = model._meta
        response = client_admin.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code == 302
        assert response["Location"] == reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[1])


def test_saving_desk_settings_stays_on_the_form(client_admin, company):
    url = reverse("admin:helpdesk_desksettings_change", args=[company.pk])
    response = client_admin.post(
        url, {"company_name": "Northwind", "support_email": "", "unrouted_visible_to": "admins"}
    )
    assert response.status_code == 302 and response["Location"] == url
    company.refresh_from_db()
    assert company.company_name == "Northwind" and company.unrouted_visible_to == "admins"


def test_a_form_without_csrf_token_gets_the_branded_page(company):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal:submit"), {"email": "a@example.com"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "reload the page and try again" in html and "Northwind Bikes" in html
