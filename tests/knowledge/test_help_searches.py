"""Help-center searches are recorded for the knowledge-gap analysis: the query redacted, the result
count, the language and a keyed hash of the session (never the session key or an IP), refinements
while typing kept as one search, the click on a result recorded through the result link, and old
searches pruned."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from knowledge.models import HelpSearch
from knowledge.services.searches import search_record, searches_prune, visitor_hash
from knowledge.tasks import help_searches_prune
from tests.fixtures.answer_helpers import help_center, patient_pii  # noqa: F401  (shared fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("help_center", "patient_pii")]
SID = re.compile(r'href="(/help/[^"?]+/)\?sid=([^"]+)"')


def search(client, query: str, **headers):
    return client.get(reverse("help:search"), {"q": query}, **headers)


def test_a_search_is_recorded_redacted_with_its_result_count_and_a_hashed_visitor(client):
    response = search(client, "reset password for casey.customer@example.com")
    assert response.status_code == 200
    row = HelpSearch.objects.get()
    assert "casey.customer@example.com" not in row.query and "<EMAIL_ADDRESS_1>" in row.query
    assert row.results_count >= 1 and row.language == "en"
    session_key = client.session.session_key
    assert row.visitor_hash == visitor_hash(session_key) and session_key not in row.visitor_hash
    assert not any("addr" in f.name or f.name.endswith("ip") for f in HelpSearch._meta.get_fields())


def test_instant_search_refinements_are_one_search_and_a_new_question_another(client):
    for partial in ("res", "reset pa", "reset password"):
        search(client, partial, HTTP_HX_REQUEST="true")
    assert list(HelpSearch.objects.values_list("query", flat=True)) == ["reset password"]
    search(client, "shipping times", HTTP_HX_REQUEST="true")
    assert HelpSearch.objects.count() == 2
    search(client, "ab")  # too short to mean anything
    assert HelpSearch.objects.count() == 2


def test_a_search_without_results_is_recorded_with_zero(client):
    search(client, "zqxv blorft wibble")
    assert HelpSearch.objects.get().results_count == 0


def test_the_click_on_a_result_is_recorded_once_and_only_for_the_reader_who_searched(client):
    body = search(client, "reset password").content.decode()
    url, sid = SID.search(body).groups()
    sid = unquote(html.unescape(sid))
    row = HelpSearch.objects.get()
    assert row.clicked_at is None
    other = Client()  # someone else, given the link, does not make it a click
    assert other.get(url, {"sid": sid}).status_code == 200
    row.refresh_from_db()
    assert row.clicked_at is None
    assert client.get(url, {"sid": sid + "x"}).status_code == 200  # a forged token counts for nothing
    row.refresh_from_db()
    assert row.clicked_at is None
    assert client.get(url, {"sid": sid}).status_code == 200
    row.refresh_from_db()
    assert row.clicked_at is not None and row.clicked_article.get_absolute_url() == url
    first = row.clicked_at
    client.get(url, {"sid": sid})
    row.refresh_from_db()
    assert row.clicked_at == first


def test_old_searches_are_pruned_by_a_daily_idempotent_task(settings):
    settings.HELP_SEARCH_RETENTION_DAYS = 90
    old = search_record(query="old question", results_count=0, language="en", session_key="s1")
    new = search_record(query="new question", results_count=0, language="en", session_key="s2")
    HelpSearch.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=91))
    assert help_searches_prune() == 1
    assert list(HelpSearch.objects.values_list("pk", flat=True)) == [new.pk]
    assert searches_prune() == 0
    assert Schedule.objects.filter(func="knowledge.tasks.help_searches_prune").exists()
