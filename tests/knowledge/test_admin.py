from __future__ import annotations

import pytest
from django.urls import reverse

from knowledge.models import Article, ArticleStatus, Category

pytestmark = pytest.mark.django_db


def _article_form(**overrides):
    data = {
        "title": "Frame sizes",
        "slug": "frame-sizes",
        "summary": "",
        "body_md": "Pick **M** for 170-180 cm.",
        "category": "",
        "language": "en",
        "translation_of": "",
        "position": "0",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_admin_add_and_change_go_through_services(client_admin, admin_agent):
    response = client_admin.post(reverse("admin:knowledge_article_add"), _article_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="frame-sizes")
    assert "<strong>M</strong>" in article.body_html
    assert article.revisions.count() == 1 and article.created_by == admin_agent.user
    response = client_admin.post(
        reverse("admin:knowledge_article_change", args=[article.pk]), _article_form(body_md="Pick **L**.")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert "<strong>L</strong>" in article.body_html and article.revisions.count() == 2


def test_admin_refuses_a_second_translation_in_one_language(client_admin, published_article):
    client_admin.post(
        reverse("admin:knowledge_article_add"),
        _article_form(
            title="Rücksendung", slug="ruecksendung", language="de", translation_of=published_article.pk
        ),
    )
    response = client_admin.post(
        reverse("admin:knowledge_article_add"),
        _article_form(title="Rückgabe", slug="rueckgabe", language="de", translation_of=published_article.pk),
    )
    assert response.status_code == 200
    assert "already a de translation" in response.content.decode()
    assert Article.objects.filter(language="de").count() == 1


def test_admin_publish_action(client_admin, draft_article):
    response = client_admin.post(
        reverse("admin:knowledge_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft_article.pk]},
    )
    assert response.status_code == 302
    draft_article.refresh_from_db()
    assert draft_article.status == ArticleStatus.PUBLISHED
    assert draft_article.events.filter(field="status", after="published").exists()


def test_admin_category_add(client_admin):
    response = client_admin.post(
        reverse("admin:knowledge_category_add"),
        {"name": "Your e-bike", "slug": "your-e-bike", "description": "", "position": "1", "language": ""},
    )
    assert response.status_code == 302
    assert Category.objects.get().slug == "your-e-bike"


@pytest.mark.parametrize(
    "name",
    ["knowledge_article", "knowledge_category", "knowledge_articlerevision", "knowledge_articlefeedback"],
)
def test_admin_changelists_render(client_admin, published_article, name):
    assert client_admin.get(reverse(f"admin:{name}_changelist")).status_code == 200
