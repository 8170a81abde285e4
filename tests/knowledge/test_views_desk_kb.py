from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from helpdesk.services.tickets import ticket_create
from knowledge.models import Article, ArticleAsset, ArticleStatus

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_list_requires_an_agent(client, django_user_model):
    assert client.get(reverse("kb:list")).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("not-agent", password="x"))
    assert client.get(reverse("kb:list")).status_code == 403


def test_list_shows_drafts_and_internal_for_agents_and_filters(
    client_agent, published_article, draft_article, internal_article
):
    body = client_agent.get(reverse("kb:list")).content.decode()
    for article in (published_article, draft_article, internal_article):
        assert article.title in body
    drafts = client_agent.get(
        reverse("kb:list"), {"status": "draft"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="kb-results"
    )
    partial = drafts.content.decode()
    assert partial.lstrip().startswith('<div id="kb-results">')
    assert draft_article.title in partial and published_article.title not in partial
    internal = client_agent.get(reverse("kb:list"), {"audience": "internal"}).content.decode()
    assert internal_article.title in internal and published_article.title not in internal


def test_create_article_and_publish(client_agent, category, agent):
    response = client_agent.post(
        reverse("kb:new"),
        {
            "title": "Pairing the app",
            "body_md": "Open **Settings**.",
            "category": category.pk,
            "language": "en",
            "publish": "1",
        },
    )
    article = Article.objects.get(title="Pairing the app")
    assert response.status_code == 302 and response["Location"] == reverse("kb:edit", args=[article.pk])
    assert article.status == ArticleStatus.PUBLISHED and article.created_by == agent.user
    assert "<strong>Settings</strong>" in article.body_html


def test_edit_form_saves_a_revision(client_agent, published_article):
    url = reverse("kb:edit", args=[published_article.pk])
    assert client_agent.get(url).status_code == 200
    response = client_agent.post(
        url, {"title": published_article.title, "body_md": "Changed", "language": "en", "note": "shorter"}
    )
    assert response.status_code == 302
    published_article.refresh_from_db()
    assert published_article.body_md == "Changed"
    assert published_article.revisions.order_by("-number").first().note == "shorter"


def test_edit_form_shows_service_errors(client_agent, published_article):
    other = Article.objects.create(title="German", slug="german", language="de")
    response = client_agent.post(
        reverse("kb:edit", args=[other.pk]),
        {"title": "German", "language": "en", "translation_of": published_article.pk},
    )
    assert response.status_code == 200
    assert "different language" in response.content.decode()


def test_unknown_article_is_404(client_agent):
    assert client_agent.get(reverse("kb:edit", args=[999999])).status_code == 404


def test_preview_renders_sanitised_markdown(client_agent):
    response = client_agent.post(reverse("kb:preview"), {"body_md": "# Hi\n\n<img src=x onerror=alert(1)>"})
    body = response.content.decode()
    assert '<h1 id="hi">Hi</h1>' in body
    assert "onerror" not in body


def test_preview_needs_post_and_agent(client, client_agent):
    assert client_agent.get(reverse("kb:preview")).status_code == 405


def test_publish_unpublish_archive_buttons(client_agent, draft_article):
    for name, status in (("kb:publish", "published"), ("kb:unpublish", "draft"), ("kb:archive", "archived")):
        assert client_agent.post(reverse(name, args=[draft_article.pk])).status_code == 302
        draft_article.refresh_from_db()
        assert draft_article.status == status
    assert client_agent.get(reverse("kb:publish", args=[draft_article.pk])).status_code == 405


def test_upload_image_returns_markdown_and_is_served(client_agent, published_article):
    upload = SimpleUploadedFile("bike photo.png", PNG, content_type="image/png")
    response = client_agent.post(reverse("kb:upload"), {"file": upload, "article": published_article.pk})
    data = json.loads(response.content)
    asset = ArticleAsset.objects.get()
    assert data["markdown"] == f"![bike_photo.png](/help/assets/{asset.pk}/bike_photo.png)"
    assert asset.article == published_article and asset.content_type == "image/png"
    served = client_agent.get(f"/help/assets/{asset.pk}/bike_photo.png")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_assets_reach_customers_only_through_public_articles(client_agent, published_article, draft_article):
    from knowledge.services.articles import article_update

    client = Client()  # an anonymous visitor, next to the signed-in agent
    client_agent.post(
        reverse("kb:upload"), {"file": SimpleUploadedFile("a.png", PNG, content_type="image/png")}
    )
    asset = ArticleAsset.objects.get()
    url = f"/help/assets/{asset.pk}/a.png"
    assert client.get(url).status_code == 404
    article_update(article=draft_article, body_md=f"![a]({url})")
    assert client.get(url).status_code == 404
    article_update(article=published_article, body_md=f"![a]({url})")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("evil.svg", b"<svg onload=alert(1)>", "image/svg+xml"),
        ("page.html", b"<script>alert(1)</script>", "text/html"),
        ("fake.png", b"<html><script>alert(1)</script>", "image/png"),
    ],
)
def test_upload_refuses_active_content(client_agent, name, data, content_type):
    response = client_agent.post(
        reverse("kb:upload"), {"file": SimpleUploadedFile(name, data, content_type=content_type)}
    )
    assert response.status_code == 400
    assert "error" in json.loads(response.content)
    assert not ArticleAsset.objects.exists()


def test_revision_history_diff_and_restore(client_agent, published_article, agent):
    from knowledge.services.articles import article_update

    article_update(article=published_article, actor=agent, body_md="Second version")
    history = client_agent.get(reverse("kb:revisions", args=[published_article.pk]))
    assert history.status_code == 200 and "r2" in history.content.decode()
    diff = client_agent.get(reverse("kb:revision", args=[published_article.pk, 2])).content.decode()
    assert 'class="diff-added">+Second version' in diff
    assert client_agent.get(reverse("kb:revision", args=[published_article.pk, 9])).status_code == 404
    response = client_agent.post(reverse("kb:revision_restore", args=[published_article.pk, 1]))
    assert response.status_code == 302
    published_article.refresh_from_db()
    assert "prepaid label" in published_article.body_md
    assert published_article.revisions.count() == 3


def test_related_tickets_are_permission_filtered(client_agent, published_article, customer, team, other_team):
    mine = ticket_create(
        requester=customer, subject="Return my bike please", body_text="How do I return it?", team=team
    )
    theirs = ticket_create(
        requester=customer, subject="Bike return refund", body_text="Return refund", team=other_team
    )
    unrelated = ticket_create(
        requester=customer, subject="Invoice copy", body_text="Need my invoice", team=team
    )
    body = client_agent.get(reverse("kb:related_tickets", args=[published_article.pk])).content.decode()
    assert f"#{mine.number} " in body
    assert f"#{theirs.number} " not in body  # another team's ticket
    assert f"#{unrelated.number} " not in body
