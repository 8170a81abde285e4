from __future__ import annotations

import pytest
from django.urls import reverse

from demo.data import DEMO_EXTENSIONS, DemoData
from demo.knowledge import load_knowledge_demo
from demo.knowledge_articles import ARTICLES
from knowledge.models import Article, Category
from knowledge.selectors.articles import public_articles
from tests.conftest import make_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(db):
    agents = {name: make_agent(name) for name in ("alice", "bruno", "chen")}
    return DemoData(company_name="Northwind Bikes", agents=agents)


def test_registered_as_demo_extension():
    assert load_knowledge_demo in DEMO_EXTENSIONS


def test_demo_help_center(demo_data, client):
    counts = load_knowledge_demo(demo_data)
    assert counts == {"categories": 5, "articles": len(ARTICLES)}
    assert Category.objects.count() == 5 and 24 <= Article.objects.count() <= 30
    german = Article.objects.get(language="de")
    assert german.translation_of.slug == "return-a-bike"
    assert Article.objects.filter(internal_only=True).count() == 2
    assert public_articles().count() == len(ARTICLES) - 2
    # Every internal link in the demo points at a public article.
    for article in public_articles():
        assert "kb-link-missing" not in article.body_html, article.slug
    assert Article.objects.get(slug="battery-care").created_by == demo_data.agents["chen"].user
    assert client.get(reverse("help:article", args=["battery-care"])).status_code == 200
    assert client.get(reverse("help:article", args=["agent-warranty-checklist"])).status_code == 404
    # Loading twice changes nothing.
    assert load_knowledge_demo(demo_data) == {"categories": 0, "articles": 0}
