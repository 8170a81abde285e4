"""Absolute URLs in mail come from the configured site URL, never from the request's Host header."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from helpdesk.models import MagicLink

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def test_magic_link_ignores_a_forged_host_header(client, customer, settings):
    settings.SITE_URL = "https://help.example.com"
    settings.ALLOWED_HOSTS = ["*"]  # the worst case: a proxy passing any Host through
    response = client.post("/portal/login/", {"email": customer.email}, HTTP_HOST="evil.example")
    assert response.status_code == 200 and MagicLink.objects.count() == 1
    urls = re.findall(r"https?://\S+", mail.outbox[-1].body)
    assert urls and all(url.startswith("https://help.example.com/portal/login/") for url in urls)
    assert "evil.example" not in mail.outbox[-1].body
