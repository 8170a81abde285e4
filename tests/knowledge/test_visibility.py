"""Drafts, archived and internal-only articles never reach customers, through any path."""

from __future__ import annotations

import pytest
from django.urls import reverse

from knowledge.selectors.articles import agent_articles, public_article_search, public_articles
from knowledge.selectors.help_center import help_center_search
from knowledge.services.articles import article_archive, article_create, article_publish, article_unpublish

pytestmark = pytest.mark.django_db

SECRET_WORDS = ("zebra", "walrus", "pelican")


@pytest.fixture
def articles(category, agent):
    public = article_create(
        title="Charging the battery",
        body_md="Charge the battery indoors at room temperature.",
        category=category,
        publish=True,
        actor=agent,
    )
    draft = article_create(title="Zebra recall draft", body_md="zebra recall battery plan", category=category)
    internal = article_create(
        title="Walrus override for battery refunds",
        body_md="walrus override battery",
        category=category,
        internal_only=True,
        publish=True,
    )
    archived = article_create(
        title="Pelican battery programme",
        body_md="pelican battery",
        category=category,
        publish=True,
    )
    article_archive(article=archived, actor=agent)
    return {"public": public, "draft": draft, "internal": internal, "archived": archived}


def _hidden(articles):
    return [articles["draft"], articles["internal"], articles["archived"]]


def test_public_selector_returns_only_published_non_internal(articles):
    assert list(public_articles()) == [articles["public"]]


def test_agents_see_everything_customers_nothing(articles, agent, customer, django_user_model):
    assert agent_articles(user=agent.user).count() == 4
    plain_user = django_user_model.objects.create_user("visitor", password="x")
    assert agent_articles(user=plain_user).count() == 0


def test_hidden_articles_are_404_on_every_help_center_page(client, articles):
    for article in _hidden(articles):
        assert client.get(reverse("help:article", args=[article.slug])).status_code == 404
        assert (
            client.post(reverse("help:feedback", args=[article.slug]), {"helpful": "yes"}).status_code == 404
        )
    pages = [reverse("help:home"), reverse("help:category", args=[articles["public"].category.slug])]
    for url in pages:
        body = client.get(url).content.decode().lower()
        for word in SECRET_WORDS:
            assert word not in body, (url, word)


def test_hidden_articles_never_appear_in_search_or_sitemap(client, articles):
    for word in SECRET_WORDS:
        assert public_article_search(query=word) == []
        assert help_center_search(query=word) == []
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            body = client.get(reverse("help:search"), {"q": word}, **headers).content.decode()
            for article in _hidden(articles):
                assert article.title not in body and f"/help/{article.slug}/" not in body
    sitemap = client.get(reverse("help:sitemap")).content.decode()
    assert articles["public"].slug in sitemap
    for article in _hidden(articles):
        assert f"/help/{article.slug}/" not in sitemap


def test_agent_logged_in_on_help_center_still_sees_only_public(client_agent, articles):
    # Being an agent does not turn the public help center into a preview of drafts.
    assert client_agent.get(reverse("help:article", args=[articles["draft"].slug])).status_code == 404


def test_unpublishing_removes_an_article_everywhere(client, articles, agent):
    public = articles["public"]
    article_unpublish(article=public, actor=agent)
    assert client.get(public.get_absolute_url()).status_code == 404
    assert public.slug not in client.get(reverse("help:sitemap")).content.decode()
    assert help_center_search(query="charging battery") == []


@pytest.mark.django_db(transaction=True)
def test_retrieval_for_customers_never_returns_hidden_articles(category, agent):
    """The retrieval index (chunks) is filled by the indexing task after commit; public search over it
    must still only return the public article, also while a hidden one is indexed for agents."""
    from knowledge.selectors.search import search

    public = article_create(
        title="Battery care",
        body_md="Store the battery indoors between 30% and 80%.",
        category=category,
        publish=True,
        actor=agent,
    )
    internal = article_create(
        title="Battery replacement override",
        body_md="Agents may replace a battery without photos.",
        category=category,
        internal_only=True,
        publish=True,
        actor=agent,
    )
    draft = article_create(
        title="Battery recall draft", body_md="A battery recall is being prepared.", category=category
    )
    article_publish(article=draft, actor=agent)
    article_unpublish(article=draft, actor=agent)

    public_hits = search("battery", k=10, audience="public")
    assert {hit.article_id for hit in public_hits} == {public.pk}
    internal_hits = search("battery", k=10, audience="internal")
    assert internal.pk in {hit.article_id for hit in internal_hits}
    assert draft.pk not in {hit.article_id for hit in internal_hits}
    found = help_center_search(query="battery")
    assert [result.article for result in found] == [public]
