from __future__ import annotations

import pytest
from django.urls import reverse

from knowledge.models import ArticleFeedback
from knowledge.services.articles import article_create
from knowledge.services.feedback import MAX_VOTES_PER_HOUR

pytestmark = pytest.mark.django_db


def test_home_lists_categories_with_public_articles(
    client, published_article, draft_article, internal_article
):
    response = client.get(reverse("help:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Returns &amp; refunds" in body
    assert published_article.title in body
    assert draft_article.title not in body
    assert internal_article.title not in body


def test_article_page_has_seo_basics(client, published_article):
    response = client.get(published_article.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>How to return a bike" in body
    assert '<meta name="description" content="Return within 30 days with the prepaid label.">' in body
    assert f'<link rel="canonical" href="http://testserver/help/{published_article.slug}/">' in body
    assert "<strong>prepaid label</strong>" in body


def test_unknown_article_and_category_are_404(client, category):
    assert client.get(reverse("help:article", args=["nope"])).status_code == 404
    # A category without public articles is not a page either.
    assert client.get(reverse("help:category", args=[category.slug])).status_code == 404


def test_category_page(client, published_article, category):
    response = client.get(reverse("help:category", args=[category.slug]))
    assert response.status_code == 200
    assert published_article.title in response.content.decode()


def test_language_switch_links_translations(client, published_article):
    german = article_create(
        title="Fahrrad zurücksenden",
        body_md="Innerhalb von 30 Tagen.",
        language="de",
        translation_of=published_article,
        publish=True,
        category=published_article.category,
    )
    english_page = client.get(published_article.get_absolute_url()).content.decode()
    assert f'href="{german.get_absolute_url()}" hreflang="de"' in english_page
    assert (
        f'<link rel="alternate" hreflang="de" href="http://testserver{german.get_absolute_url()}">'
        in english_page
    )
    german_page = client.get(german.get_absolute_url()).content.decode()
    assert f'href="{published_article.get_absolute_url()}" hreflang="en"' in german_page
    assert '<article class="help-article" lang="de">' in german_page
    # A German reader sees the German version on the home page instead of the English original.
    home_de = client.get(reverse("help:home") + "?lang=de").content.decode()
    assert german.title in home_de and published_article.title not in home_de
    home_en = client.get(reverse("help:home") + "?lang=en").content.decode()
    assert published_article.title in home_en and german.title not in home_en


def test_search_full_page_and_htmx_partial(client, published_article, draft_article):
    page = client.get(reverse("help:search"), {"q": "return bike"})
    assert page.status_code == 200
    assert published_article.title in page.content.decode()
    partial = client.get(reverse("help:search"), {"q": "return bike"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="help-search-results"')
    assert "<html" not in body
    assert published_article.title in body
    nothing = client.get(reverse("help:search"), {"q": "zebra-recall"}, HTTP_HX_REQUEST="true")
    assert draft_article.title not in nothing.content.decode()


def test_feedback_is_stored_and_a_second_vote_replaces_the_first(client, published_article):
    url = reverse("help:feedback", args=[published_article.slug])
    response = client.post(
        url, {"helpful": "no", "comment": "Missing the label size"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Thanks for your feedback" in response.content.decode()
    client.post(url, {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    feedback = ArticleFeedback.objects.get(article=published_article)
    assert feedback.helpful is True and feedback.comment == "Missing the label size"
    assert feedback.visitor_id == client.session.session_key


def test_feedback_without_htmx_renders_a_page(client, published_article):
    response = client.post(reverse("help:feedback", args=[published_article.slug]), {"helpful": "yes"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_feedback_needs_a_valid_choice(client, published_article):
    response = client.post(reverse("help:feedback", args=[published_article.slug]), {"helpful": "maybe"})
    assert response.status_code == 400
    assert not ArticleFeedback.objects.exists()


def test_feedback_is_rate_limited_per_session(client, category):
    articles = [
        article_create(title=f"Article {n}", category=category, publish=True)
        for n in range(MAX_VOTES_PER_HOUR + 1)
    ]
    for article in articles[:-1]:
        assert (
            client.post(reverse("help:feedback", args=[article.slug]), {"helpful": "yes"}).status_code == 200
        )
    last = client.post(reverse("help:feedback", args=[articles[-1].slug]), {"helpful": "yes"})
    assert last.status_code == 429
    assert ArticleFeedback.objects.count() == MAX_VOTES_PER_HOUR


def test_feedback_on_a_draft_is_404(client, draft_article, internal_article):
    for article in (draft_article, internal_article):
        response = client.post(reverse("help:feedback", args=[article.slug]), {"helpful": "yes"})
        assert response.status_code == 404
    assert not ArticleFeedback.objects.exists()


def test_sitemap_lists_public_articles_and_categories(client, published_article, category):
    response = client.get(reverse("help:sitemap"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<loc>http://testserver/help/{published_article.slug}/</loc>" in body
    assert f"<loc>http://testserver/help/c/{category.slug}/</loc>" in body
    assert "<loc>http://testserver/help/</loc>" in body
