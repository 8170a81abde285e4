"""Outreach mail carries RFC 2369 / RFC 8058 List-Unsubscribe headers (read from the message a real
SMTP server received), and the one-click POST works as a mail client sends it: no cookie, no CSRF
token, no login, only the signed address."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from outreach.models import OutreachMessage, Suppression
from tests.outreach.conftest import event_body, make_rule

pytestmark = pytest.mark.django_db


def send_one(post_event, capture, smtp_server, email="casey@example.com"):
    make_rule(requires_approval=False)
    with capture(execute=True):
        post_event(event_body(email=email))
    [mail] = smtp_server.messages
    return mail


def test_outreach_mail_has_one_click_list_unsubscribe_headers(
    settings, post_event, smtp_server, django_capture_on_commit_callbacks
):
    settings.OUTREACH_UNSUBSCRIBE_MAILTO = "unsubscribe@shop.example"
    mail = send_one(post_event, django_capture_on_commit_callbacks, smtp_server)
    header = str(mail["List-Unsubscribe"]).strip()  # a long value is folded onto a continuation line
    https, mailto = re.fullmatch(r"<(\S+)>, <(\S+)>", header).groups()
    assert re.fullmatch(r"http://\S+/outreach/unsubscribe/[^/]+/one-click/", https)
    assert mailto == "mailto:unsubscribe@shop.example?subject=unsubscribe"
    assert str(mail["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"


def test_without_a_mailto_only_the_https_address_is_offered(
    settings, post_event, smtp_server, django_capture_on_commit_callbacks
):
    settings.OUTREACH_UNSUBSCRIBE_MAILTO = ""
    mail = send_one(post_event, django_capture_on_commit_callbacks, smtp_server)
    assert re.fullmatch(r"<http://\S+/one-click/>", str(mail["List-Unsubscribe"]).strip())


def test_the_one_click_post_unsubscribes_without_csrf_or_login(
    settings, post_event, smtp_server, django_capture_on_commit_callbacks
):
    settings.OUTREACH_UNSUBSCRIBE_MAILTO = ""
    mail = send_one(post_event, django_capture_on_commit_callbacks, smtp_server, email="Casey@Example.com")
    path = re.search(r"http://[^/]+(/\S+/)>", str(mail["List-Unsubscribe"])).group(1)
    mail_client = Client(enforce_csrf_checks=True)  # as a mail provider posts: no cookie, no token

    assert mail_client.get(path).status_code == 302  # following the link unsubscribes nobody
    assert not Suppression.objects.exists()
    assert mail_client.post(path, {"other": "x"}).status_code == 400
    assert not Suppression.objects.exists()
    assert mail_client.post(path[:-12] + "x/one-click/", {"List-Unsubscribe": "One-Click"}).status_code == 400

    response = mail_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Suppression.objects.get().email.lower() == "casey@example.com"
    assert mail_client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200  # idempotent
    assert Suppression.objects.count() == 1
    assert OutreachMessage.objects.get().status == OutreachMessage.Status.SENT
