"""articles_refresh_linking: one pass for many new articles ends where one refresh per article ends."""

from __future__ import annotations

import pytest

from knowledge.models import Article
from knowledge.services.articles import _mentioned_prefixes, article_create, articles_refresh_linking

pytestmark = pytest.mark.django_db

# Created in this order; links point forwards and backwards, at prefixes of slugs, at themselves,
# at internal and draft articles, and through both link forms.
ARTICLES = [
    (
        "Overview",
        "Start with [[bike-returns]] or [the refunds page](/help/refunds/) and [[warranty]]. Also [[bike]].",
        {},
    ),
    ("Bike returns", "Back to [[overview]]. Myself: [[bike-returns]]. Longer: [[bike-returns-old]].", {}),
    ("Warranty", "Internal notes in [[agent-notes]]; the draft [[upcoming]].", {}),
    ("Agent notes", "See [[warranty]].", {"internal_only": True}),
    ("Upcoming", "See [the overview](/help/overview/) and [[refunds]].", {"publish": False}),
    ("Refunds", "As in [[bike-returns]], and [[Overview]] (not a slug: capitals).", {}),
    ("Bike", "Plain text, links to nothing.", {}),
]


def create_all(*, refresh_linking: bool) -> dict[str, str]:
    created = []
    for title, body, extra in ARTICLES:
        options = {"publish": True, **extra}
        created.append(article_create(title=title, body_md=body, refresh_linking=refresh_linking, **options))
    if not refresh_linking:
        articles_refresh_linking(articles=[a for a in created if a.is_public])
    return dict(Article.objects.values_list("slug", "body_html"))


def test_one_pass_at_the_end_renders_what_a_refresh_per_article_renders():
    one_by_one = create_all(refresh_linking=True)
    Article.objects.all().delete()
    at_the_end = create_all(refresh_linking=False)
    assert at_the_end == one_by_one
    # The comparison is not empty: later articles turned earlier plain labels into links.
    assert 'href="/help/bike-returns/"' in at_the_end["overview"]
    assert 'href="/help/refunds/"' in at_the_end["overview"]


def test_without_the_pass_earlier_articles_keep_plain_labels():
    create_all(refresh_linking=True)
    one_by_one = dict(Article.objects.values_list("slug", "body_html"))
    Article.objects.all().delete()
    for title, body, extra in ARTICLES:
        article_create(title=title, body_md=body, refresh_linking=False, **{"publish": True, **extra})
    assert dict(Article.objects.values_list("slug", "body_html")) != one_by_one


def test_nothing_new_looks_at_nothing():
    article_create(title="Overview", body_md="[[x]]", publish=True)
    assert articles_refresh_linking(articles=[]) == 0


def test_mentions_are_the_prefixes_sql_contains_would_match():
    body = "Go to [[bike-returns]] or /help/refunds/#steps, not [[ spaced]] or help/plain."
    prefixes = _mentioned_prefixes(body)
    assert {"b", "bike", "bike-returns", "r", "refunds"} <= prefixes
    assert not {"spaced", "plain", "bike-returns]"} & prefixes
    for slug in prefixes:
        assert f"[[{slug}" in body or f"/help/{slug}" in body
