from __future__ import annotations

import pytest

from knowledge.models import Article, ArticleEvent, ArticleStatus
from knowledge.services import articles as article_services
from knowledge.services.articles import (
    ArticleError,
    article_archive,
    article_create,
    article_publish,
    article_unpublish,
    article_update,
)

pytestmark = pytest.mark.django_db


def test_create_renders_sanitised_html_and_first_revision(category, agent):
    article = article_create(title="  Battery   care ", body_md="# Charge\n\nKeep it **warm**.", actor=agent)
    assert article.title == "Battery care"
    assert article.slug == "battery-care"
    assert article.status == ArticleStatus.DRAFT
    assert '<h1 id="charge">Charge</h1>' in article.body_html
    assert "<strong>warm</strong>" in article.body_html
    revision = article.revisions.get()
    assert (revision.number, revision.author, revision.body_md) == (1, agent.user, article.body_md)
    assert article.created_by == agent.user


def test_slugs_are_unique(category):
    first = article_create(title="Shipping times")
    second = article_create(title="Shipping times")
    assert (first.slug, second.slug) == ("shipping-times", "shipping-times-2")


def test_title_is_required():
    with pytest.raises(ArticleError):
        article_create(title="   ")


def test_update_content_adds_revision_and_metadata_adds_events(published_article, agent, other_team):
    article_update(article=published_article, actor=agent, body_md="New body", note="typo")
    article_update(article=published_article, actor=agent, internal_only=True, language="de")
    published_article.refresh_from_db()
    numbers = list(published_article.revisions.values_list("number", "note"))
    assert numbers == [(2, "typo"), (1, "Created")]
    events = list(
        ArticleEvent.objects.filter(article=published_article).values_list("field", "before", "after")
    )
    assert ("internal_only", "False", "True") in events
    assert ("language", "en", "de") in events
    assert published_article.updated_by == agent.user


def test_saving_without_changes_writes_nothing(published_article, agent):
    article_update(
        article=published_article,
        actor=agent,
        title=published_article.title,
        body_md=published_article.body_md,
    )
    assert published_article.revisions.count() == 1


def test_publish_unpublish_archive_are_audited(draft_article, agent):
    article_publish(article=draft_article, actor=agent)
    draft_article.refresh_from_db()
    assert draft_article.status == ArticleStatus.PUBLISHED
    first_published = draft_article.published_at
    assert first_published is not None
    article_unpublish(article=draft_article, actor=agent)
    article_publish(article=draft_article, actor=agent)
    article_archive(article=draft_article, actor=agent)
    draft_article.refresh_from_db()
    assert draft_article.status == ArticleStatus.ARCHIVED
    assert draft_article.published_at == first_published
    statuses = list(draft_article.events.filter(field="status").values_list("before", "after"))
    assert statuses == [
        ("draft", "published"),
        ("published", "draft"),
        ("draft", "published"),
        ("published", "archived"),
    ]


def test_every_change_schedules_indexing_on_commit(
    monkeypatch, category, agent, django_capture_on_commit_callbacks
):
    scheduled = []
    monkeypatch.setattr(article_services, "schedule_index", scheduled.append)
    with django_capture_on_commit_callbacks(execute=True):
        article = article_create(title="Invoices", body_md="x", category=category, actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        article_publish(article=article, actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        article_update(article=article, actor=agent, body_md="y")
    with django_capture_on_commit_callbacks(execute=True):
        article_unpublish(article=article, actor=agent)
    assert scheduled == [article.pk] * 4


def test_nothing_is_scheduled_when_the_transaction_rolls_back(
    monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import transaction

    scheduled = []
    monkeypatch.setattr(article_services, "schedule_index", scheduled.append)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        article_create(title="Rolled back", publish=True)
        raise RuntimeError
    assert callbacks == [] and scheduled == []
    assert not Article.objects.filter(title="Rolled back").exists()


def test_translation_points_at_the_original_in_another_language(published_article):
    german = article_create(title="Fahrrad zurücksenden", language="de", translation_of=published_article)
    assert german.slug == "fahrrad-zurucksenden"
    french_of_german = article_create(title="Retourner un vélo", language="fr", translation_of=german)
    assert french_of_german.translation_of == published_article
    with pytest.raises(ArticleError):
        article_create(title="Second German", language="de", translation_of=published_article)
    with pytest.raises(ArticleError):
        article_create(title="Same language", language="en", translation_of=published_article)


def test_internal_links_resolve_only_to_public_articles(published_article, draft_article, internal_article):
    article = article_create(
        title="Links",
        body_md=f"[[{published_article.slug}]] [[{draft_article.slug}]] [[{internal_article.slug}|x]] [[missing]]",
    )
    assert f'<a href="/help/{published_article.slug}/" class="kb-link"' in article.body_html
    assert "How to return a bike" in article.body_html
    # A draft or internal target never gets its title or a link on a page customers might see.
    assert draft_article.title not in article.body_html
    assert internal_article.title not in article.body_html
    assert article.body_html.count("kb-link-missing") == 3


def test_publishing_a_target_refreshes_articles_linking_to_it(draft_article, agent):
    linking = article_create(title="Overview", body_md=f"See [[{draft_article.slug}]].", publish=True)
    assert "kb-link-missing" in linking.body_html
    article_publish(article=draft_article, actor=agent)
    linking.refresh_from_db()
    assert f'href="/help/{draft_article.slug}/"' in linking.body_html
    article_unpublish(article=draft_article, actor=agent)
    linking.refresh_from_db()
    assert f'href="/help/{draft_article.slug}/"' not in linking.body_html
