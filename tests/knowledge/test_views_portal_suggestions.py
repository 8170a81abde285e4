"""The portal's "answers that may help" come from the knowledge base through the interface helpdesk
offers (helpdesk.extensions): knowledge registers its suggester in KnowledgeConfig.ready(), the
portal calls whatever is registered and never imports knowledge."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpdesk import extensions
from helpdesk.models import Deflection
from knowledge.selectors.help_center import portal_article_url, portal_suggestions

pytestmark = pytest.mark.django_db


def _suggest(client, subject: str, body: str = ""):
    response = client.get(reverse("portal:suggestions"), {"subject": subject, "body": body})
    assert response.status_code == 200
    return response.content.decode()


def test_knowledge_registers_the_portal_suggester_at_startup():
    suggester = extensions._portal_suggester
    assert suggester is not None
    assert suggester.suggest is portal_suggestions and suggester.article_url is portal_article_url


def test_suggestions_show_public_articles_with_title_and_link(client, published_article):
    html = _suggest(client, "return bike", "the frame is cracked")
    assert published_article.title in html
    assert reverse("portal:suggestion_open", args=[published_article.pk]) in html


def test_drafts_and_internal_articles_are_never_suggested(client, draft_article, internal_article):
    assert "zebra" not in _suggest(client, "zebra recall programme").lower()
    assert "walrus" not in _suggest(client, "walrus override refunds").lower()
    assert portal_suggestions("zebra recall programme") == []
    assert portal_article_url(draft_article.pk) is None and portal_article_url(internal_article.pk) is None


def test_a_few_letters_are_not_enough_to_suggest(client, published_article):
    assert published_article.title not in _suggest(client, "return")
    assert portal_suggestions("return") == []


def test_opening_a_suggestion_remembers_it_and_a_deflection_is_counted_once(client, published_article):
    response = client.get(
        reverse("portal:suggestion_open", args=[published_article.pk]), {"q": "return bike"}
    )
    assert response.status_code == 302 and response["Location"] == published_article.get_absolute_url()
    assert client.session["portal_suggestion"] == {"article_id": published_article.pk, "query": "return bike"}
    assert client.post(reverse("portal:deflected")).status_code == 204
    assert client.post(reverse("portal:deflected")).status_code == 204
    assert list(Deflection.objects.values_list("article_id", "query")) == [
        (published_article.pk, "return bike")
    ]


def test_opening_a_draft_as_a_suggestion_is_a_404(client, draft_article):
    response = client.get(reverse("portal:suggestion_open", args=[draft_article.pk]))
    assert response.status_code == 404
    assert "portal_suggestion" not in client.session


def test_without_a_registered_suggester_the_portal_offers_nothing_and_does_not_fail(
    client, published_article
):
    registered = extensions._portal_suggester
    extensions.register_portal_suggester(None)
    try:
        assert published_article.title not in _suggest(client, "return bike")
        response = client.get(reverse("portal:suggestion_open", args=[published_article.pk]))
        assert response.status_code == 404
    finally:
        extensions.register_portal_suggester(registered)


def test_a_failing_suggester_shows_no_suggestions_instead_of_an_error(client, published_article):
    registered = extensions._portal_suggester

    def broken(query, *, limit):
        raise RuntimeError("search backend down")

    extensions.register_portal_suggester(
        extensions.PortalSuggester(suggest=broken, article_url=portal_article_url)
    )
    try:
        assert published_article.title not in _suggest(client, "return bike")
    finally:
        extensions.register_portal_suggester(registered)
