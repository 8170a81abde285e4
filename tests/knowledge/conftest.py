"""Knowledge-base fixtures, built through the real services."""

from __future__ import annotations

import pytest

from knowledge.services.articles import article_create
from knowledge.services.categories import category_create


@pytest.fixture
def category(db):
    return category_create(name="Returns & refunds", description="Sending things back")


@pytest.fixture
def published_article(category, agent):
    return article_create(
        title="How to return a bike",
        summary="Return within 30 days with the prepaid label.",
        body_md="## Steps\n\nBook a pick-up with the **prepaid label**.",
        category=category,
        publish=True,
        actor=agent,
    )


@pytest.fixture
def draft_article(category, agent):
    return article_create(
        title="Secret upcoming recall plan",
        body_md="Draft text about the zebra-recall programme.",
        category=category,
        actor=agent,
    )


@pytest.fixture
def internal_article(category, agent):
    return article_create(
        title="Internal refund override procedure",
        body_md="Agents only: the walrus-override code for refunds.",
        category=category,
        internal_only=True,
        publish=True,
        actor=agent,
    )
