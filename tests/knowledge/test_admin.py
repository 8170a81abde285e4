from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from knowledge.indexing.index import article_index
from knowledge.models import Article, ArticleStatus, Category, Chunk
from knowledge.services.articles import article_create, article_delete

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


def _linking_article(target):
    linking = article_create(title="Overview", body_md=f"See [[{target.slug}]].", publish=True)
    assert f'href="/help/{target.slug}/"' in linking.body_html
    return linking


def test_admin_delete_goes_through_the_audited_service(client_admin, admin_agent, published_article, caplog):
    linking = _linking_article(published_article)
    article_index(published_article.pk)
    assert Chunk.objects.filter(article_id=published_article.pk).exists()
    with caplog.at_level(logging.INFO, logger="knowledge.audit"):
        response = client_admin.post(
            reverse("admin:knowledge_article_delete", args=[published_article.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Article.objects.filter(pk=published_article.pk).exists()
    assert not Chunk.objects.filter(article_id=published_article.pk).exists()
    [record] = [r for r in caplog.records if r.name == "knowledge.audit"]
    message = record.getMessage()
    assert f"id={published_article.pk}" in message and f"by={admin_agent.user.get_username()}" in message
    # The article that linked to it no longer shows a link to a page that is gone.
    linking.refresh_from_db()
    assert f'href="/help/{published_article.slug}/"' not in linking.body_html
    assert "kb-link-missing" in linking.body_html


def test_admin_bulk_delete_audits_every_article(client_admin, published_article, draft_article, caplog):
    with caplog.at_level(logging.INFO, logger="knowledge.audit"):
        response = client_admin.post(
            reverse("admin:knowledge_article_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [published_article.pk, draft_article.pk],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert not Article.objects.filter(pk__in=[published_article.pk, draft_article.pk]).exists()
    logged = sorted(r.getMessage().split()[2] for r in caplog.records if r.name == "knowledge.audit")
    assert logged == sorted([f"id={published_article.pk}", f"id={draft_article.pk}"])


def test_article_delete_turns_translations_into_originals(published_article, agent):
    german = article_create(
        title="Rückgabe", body_md="Zurück.", language="de", translation_of=published_article, actor=agent
    )
    article_delete(article=published_article, actor=agent)
    german.refresh_from_db()
    assert german.translation_of is None
